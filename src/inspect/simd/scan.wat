;; The inspector's scan of float32 values, four lanes at a time (WebAssembly SIMD, v128).
;; Built by scripts/build-wasm.mjs (wabt) into scan-wasm.generated.ts; see kernel.ts.
;;
;; It only reads memory, never writes it: it may scan tfjs's own wasm heap in place.
;; State lives in globals so that one scan may span several calls (chunks copied in on cpu);
;; callers pass element counts that are multiples of 4, so element i always lands in lane
;; i mod 4, and the host adds the last 1-3 values itself. The JS scan (scan-js.ts) sums in the
;; same four lanes in the same order, so both give bit-identical results.
;;
;; min/max compare keys: the float's bits with the magnitude flipped when negative, which
;; orders as signed integers exactly like Math.min/Math.max order floats (-0 < +0); NaN keys
;; fall outside [key(-Inf), key(+Inf)]. One integer min is much cheaper than f32x4.min.
(module
  (import "env" "memory" (memory 1))

  ;; The state of a scan, kept between calls; read with the getters at the end.
  (global $kmin (mut v128) (v128.const i32x4 0 0 0 0))
  (global $kmax (mut v128) (v128.const i32x4 0 0 0 0))
  (global $cnan (mut v128) (v128.const i32x4 0 0 0 0))
  (global $cpos (mut v128) (v128.const i32x4 0 0 0 0))
  (global $cneg (mut v128) (v128.const i32x4 0 0 0 0))
  (global $czero (mut v128) (v128.const i32x4 0 0 0 0))
  (global $sa01 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $sa23 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $sq01 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $sq23 (mut v128) (v128.const i32x4 0 0 0 0))

  ;; key(+Inf) = 0x7f800000, key(-Inf) = 0x807fffff.
  (func (export "reset")
    (global.set $kmin (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (global.set $kmax (v128.const i32x4 0x807fffff 0x807fffff 0x807fffff 0x807fffff))
    (global.set $cnan (v128.const i32x4 0 0 0 0))
    (global.set $cpos (v128.const i32x4 0 0 0 0))
    (global.set $cneg (v128.const i32x4 0 0 0 0))
    (global.set $czero (v128.const i32x4 0 0 0 0))
    (global.set $sa01 (v128.const i32x4 0 0 0 0))
    (global.set $sa23 (v128.const i32x4 0 0 0 0))
    (global.set $sq01 (v128.const i32x4 0 0 0 0))
    (global.set $sq23 (v128.const i32x4 0 0 0 0)))

  ;; min and max of $n floats at byte $p; NaN and +-Inf show as a non-finite result.
  (func (export "range") (param $p i32) (param $n i32)
    (local $end i32) (local $end16 i32) (local $v v128) (local $mag v128)
    (local $mn v128) (local $mx v128) (local $mn2 v128) (local $mx2 v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end16 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (local.set $mag (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $mn (global.get $kmin))
    (local.set $mx (global.get $kmax))
    (local.set $mn2 (local.get $mn))
    (local.set $mx2 (local.get $mx))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn (i32x4.min_s (local.get $mn) (local.get $v)))
        (local.set $mx (i32x4.max_s (local.get $mx) (local.get $v)))
        (local.set $v (v128.load offset=16 align=4 (local.get $p)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn2 (i32x4.min_s (local.get $mn2) (local.get $v)))
        (local.set $mx2 (i32x4.max_s (local.get $mx2) (local.get $v)))
        (local.set $v (v128.load offset=32 align=4 (local.get $p)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn (i32x4.min_s (local.get $mn) (local.get $v)))
        (local.set $mx (i32x4.max_s (local.get $mx) (local.get $v)))
        (local.set $v (v128.load offset=48 align=4 (local.get $p)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn2 (i32x4.min_s (local.get $mn2) (local.get $v)))
        (local.set $mx2 (i32x4.max_s (local.get $mx2) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $by16)))
    (block $done
      (loop $by4
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn (i32x4.min_s (local.get $mn) (local.get $v)))
        (local.set $mx (i32x4.max_s (local.get $mx) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $by4)))
    (global.set $kmin (i32x4.min_s (local.get $mn) (local.get $mn2)))
    (global.set $kmax (i32x4.max_s (local.get $mx) (local.get $mx2))))

  ;; Everything for TensorHealth, assuming every value is finite (else the range shows it):
  ;; min/max keys, per-lane float64 sums of |x| and x*x, and per-lane counts of zeros.
  (func (export "full") (param $p i32) (param $n i32)
    (local $end i32) (local $v v128) (local $a v128) (local $lo v128) (local $hi v128)
    (local $mag v128) (local $zero v128)
    (local $mn v128) (local $mx v128) (local $z v128)
    (local $s01 v128) (local $s23 v128) (local $q01 v128) (local $q23 v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $mag (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $mn (global.get $kmin))
    (local.set $mx (global.get $kmax))
    (local.set $z (global.get $czero))
    (local.set $s01 (global.get $sa01))
    (local.set $s23 (global.get $sa23))
    (local.set $q01 (global.get $sq01))
    (local.set $q23 (global.get $sq23))
    (block $done
      (loop $by4
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $z (i32x4.sub (local.get $z) (f32x4.eq (local.get $v) (local.get $zero))))
        (local.set $a (v128.and (local.get $v) (local.get $mag)))
        (local.set $v (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn (i32x4.min_s (local.get $mn) (local.get $v)))
        (local.set $mx (i32x4.max_s (local.get $mx) (local.get $v)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $a)))
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $s01 (f64x2.add (local.get $s01) (local.get $lo)))
        (local.set $s23 (f64x2.add (local.get $s23) (local.get $hi)))
        (local.set $q01 (f64x2.add (local.get $q01) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $q23 (f64x2.add (local.get $q23) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $by4)))
    (global.set $kmin (local.get $mn))
    (global.set $kmax (local.get $mx))
    (global.set $czero (local.get $z))
    (global.set $sa01 (local.get $s01))
    (global.set $sa23 (local.get $s23))
    (global.set $sq01 (local.get $q01))
    (global.set $sq23 (local.get $q23)))

  ;; The same as full, for values that may be NaN or +-Inf: counts those and leaves them out.
  (func (export "careful") (param $p i32) (param $n i32)
    (local $end i32) (local $v v128) (local $a v128) (local $fin v128) (local $k v128)
    (local $lo v128) (local $hi v128) (local $mag v128) (local $inf v128) (local $zero v128)
    (local $mn v128) (local $mx v128) (local $z v128) (local $cn v128) (local $cp v128) (local $cm v128)
    (local $s01 v128) (local $s23 v128) (local $q01 v128) (local $q23 v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $mag (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $inf (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $mn (global.get $kmin))
    (local.set $mx (global.get $kmax))
    (local.set $z (global.get $czero))
    (local.set $cn (global.get $cnan))
    (local.set $cp (global.get $cpos))
    (local.set $cm (global.get $cneg))
    (local.set $s01 (global.get $sa01))
    (local.set $s23 (global.get $sa23))
    (local.set $q01 (global.get $sq01))
    (local.set $q23 (global.get $sq23))
    (block $done
      (loop $by4
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $p)))
        (local.set $a (v128.and (local.get $v) (local.get $mag)))
        (local.set $fin (i32x4.lt_s (local.get $a) (local.get $inf)))
        (local.set $cn (i32x4.sub (local.get $cn) (i32x4.gt_s (local.get $a) (local.get $inf))))
        (local.set $cp (i32x4.sub (local.get $cp) (i32x4.eq (local.get $v) (local.get $inf))))
        (local.set $cm (i32x4.sub (local.get $cm)
          (i32x4.eq (local.get $v) (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000))))
        (local.set $z (i32x4.sub (local.get $z) (f32x4.eq (local.get $v) (local.get $zero))))
        (local.set $k (v128.xor (local.get $v) (v128.and (i32x4.shr_s (local.get $v) (i32.const 31)) (local.get $mag))))
        (local.set $mn (i32x4.min_s (local.get $mn) (v128.bitselect (local.get $k) (local.get $inf) (local.get $fin))))
        (local.set $mx (i32x4.max_s (local.get $mx)
          (v128.bitselect (local.get $k) (v128.const i32x4 0x807fffff 0x807fffff 0x807fffff 0x807fffff) (local.get $fin))))
        (local.set $a (v128.and (local.get $a) (local.get $fin)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $a)))
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $s01 (f64x2.add (local.get $s01) (local.get $lo)))
        (local.set $s23 (f64x2.add (local.get $s23) (local.get $hi)))
        (local.set $q01 (f64x2.add (local.get $q01) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $q23 (f64x2.add (local.get $q23) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $by4)))
    (global.set $kmin (local.get $mn))
    (global.set $kmax (local.get $mx))
    (global.set $czero (local.get $z))
    (global.set $cnan (local.get $cn))
    (global.set $cpos (local.get $cp))
    (global.set $cneg (local.get $cm))
    (global.set $sa01 (local.get $s01))
    (global.set $sa23 (local.get $s23))
    (global.set $sq01 (local.get $q01))
    (global.set $sq23 (local.get $q23)))

  (func $sum (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; The float whose key is $k (the key map is its own inverse).
  (func $unkey (param $k i32) (result f32)
    (f32.reinterpret_i32
      (i32.xor (local.get $k) (i32.and (i32.shr_s (local.get $k) (i32.const 31)) (i32.const 0x7fffffff)))))

  (func $min4 (param $v v128) (result i32)
    (local.set $v (i32x4.min_s (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (local.set $v (i32x4.min_s (local.get $v) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
    (i32x4.extract_lane 0 (local.get $v)))

  (func $max4 (param $v v128) (result i32)
    (local.set $v (i32x4.max_s (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (local.set $v (i32x4.max_s (local.get $v) (i8x16.shuffle 4 5 6 7 0 1 2 3 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
    (i32x4.extract_lane 0 (local.get $v)))

  ;; Getters, one call each (cheaper from JS than reading exported globals).
  (func (export "min") (result f32) (call $unkey (call $min4 (global.get $kmin))))
  (func (export "max") (result f32) (call $unkey (call $max4 (global.get $kmax))))
  (func (export "nan") (result i32) (call $sum (global.get $cnan)))
  (func (export "posInf") (result i32) (call $sum (global.get $cpos)))
  (func (export "negInf") (result i32) (call $sum (global.get $cneg)))
  (func (export "zeros") (result i32) (call $sum (global.get $czero)))
  (func (export "abs0") (result f64) (f64x2.extract_lane 0 (global.get $sa01)))
  (func (export "abs1") (result f64) (f64x2.extract_lane 1 (global.get $sa01)))
  (func (export "abs2") (result f64) (f64x2.extract_lane 0 (global.get $sa23)))
  (func (export "abs3") (result f64) (f64x2.extract_lane 1 (global.get $sa23)))
  (func (export "sq0") (result f64) (f64x2.extract_lane 0 (global.get $sq01)))
  (func (export "sq1") (result f64) (f64x2.extract_lane 1 (global.get $sq01)))
  (func (export "sq2") (result f64) (f64x2.extract_lane 0 (global.get $sq23)))
  (func (export "sq3") (result f64) (f64x2.extract_lane 1 (global.get $sq23)))
)
