/**
 * The report's in-page script, as a string: builds every chart from the embedded JSON with uPlot.
 * Labels go through textContent and uPlot's own text drawing; nothing from the data is parsed as HTML.
 */
export const CHARTS_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var run = data.run;
  var marks = (run.findings || []).map(function (f) { return { step: f.step, kind: f.kind, layer: f.layer || null }; });
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

  function width(el) { return Math.max(320, Math.min(1100, el.clientWidth || 900)); }

  // Vertical red lines where findings were first seen; only those that concern this chart.
  function findingMarks(filter) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = 'rgba(214, 39, 40, 0.8)';
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 1.5;
      marks.filter(filter).forEach(function (m) {
        var x = u.valToPos(m.step, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  function chart(id, title, xs, series, filter, xLabel) {
    var el = document.getElementById(id);
    if (!el || xs.length === 0) { if (el) el.textContent = 'no data'; return; }
    var opts = {
      title: title,
      width: width(el),
      height: 220,
      scales: { x: { time: false } },
      axes: [{ label: xLabel || 'step' }, {}],
      series: [{ label: xLabel || 'step' }].concat(series.map(function (s, i) {
        return { label: s.label, stroke: s.color || palette[i % palette.length], width: 1.5, spanGaps: true, dash: s.dash };
      })),
      hooks: { draw: [findingMarks(filter || function () { return false; })] },
    };
    new uPlot(opts, [xs].concat(series.map(function (s) { return s.values; })), el);
  }

  var loss = run.loss || [];
  chart('chart-loss', 'loss (lowest and highest at merged points)', loss.map(function (p) { return p.step; }), [
    { label: 'loss max', values: loss.map(function (p) { return p.max; }) },
    { label: 'loss min', values: loss.map(function (p) { return p.min; }), dash: [5, 3] },
  ], function (m) { return m.kind === 'non-finite' && !m.layer; });

  var epochs = run.epochLogs || [];
  var keys = [];
  epochs.forEach(function (e) { Object.keys(e).forEach(function (k) { if (k !== 'epoch' && k !== 'batch' && k !== 'size' && keys.indexOf(k) < 0) keys.push(k); }); });
  chart('chart-epochs', 'epoch logs', epochs.map(function (e) { return e.epoch; }), keys.map(function (k) {
    return { label: k, values: epochs.map(function (e) { return e[k] === undefined ? null : e[k]; }) };
  }), null, 'epoch');

  (run.layers || []).forEach(function (layer, i) {
    var t = layer.timeline;
    var xs = t.map(function (p) { return p.step; });
    var mine = function (m) { return m.layer === layer.name; };
    chart('chart-layer-' + i, 'weights: min, max, max |w|', xs, [
      { label: 'min', values: t.map(function (p) { return p.min === undefined ? null : p.min; }) },
      { label: 'max', values: t.map(function (p) { return p.max === undefined ? null : p.max; }) },
      { label: 'max |w|', values: t.map(function (p) { return p.maxAbs === undefined ? null : p.maxAbs; }), dash: [5, 3] },
    ], mine);
    if (layer.relu) {
      chart('chart-relu-' + i, 'ReLU: dead and zero fractions', xs, [
        { label: 'dead units', values: t.map(function (p) { return p.deadFraction === undefined ? null : p.deadFraction; }) },
        { label: 'zero activations', values: t.map(function (p) { return p.zeroFraction === undefined ? null : p.zeroFraction; }), dash: [5, 3] },
      ], mine);
    }
  });

  var speed = run.speed;
  if (speed) {
    var bt = speed.batchTimeSeries || [];
    chart('chart-speed', 'ms per batch (mean and slowest at merged points)', bt.map(function (p) { return p.step; }), [
      { label: 'mean ms', values: bt.map(function (p) { return p.meanMs; }) },
      { label: 'slowest ms', values: bt.map(function (p) { return p.maxMs; }), dash: [5, 3] },
    ], function (m) { return m.kind === 'speed-regression'; });
    var ep = speed.epochs || [];
    chart('chart-throughput', 'examples per second, per epoch', ep.map(function (e) { return e.epoch; }), [
      { label: 'examples/s', values: ep.map(function (e) { return e.examplesPerSecond; }) },
    ], null, 'epoch');
    var mem = speed.memorySeries || [];
    chart('chart-tensors', 'tensors', mem.map(function (p) { return p.step; }), [
      { label: 'tensors', values: mem.map(function (p) { return p.numTensors; }) },
    ], function (m) { return m.kind === 'tensor-leak'; });
    chart('chart-memory', 'memory (MiB)', mem.map(function (p) { return p.step; }), [
      { label: 'tensor MiB', values: mem.map(function (p) { return p.numBytes / 1048576; }) },
      { label: 'RSS MiB', values: mem.map(function (p) { return p.rss === undefined ? null : p.rss / 1048576; }) },
      { label: 'backend MiB', values: mem.map(function (p) { return p.backendBytes === undefined ? null : p.backendBytes / 1048576; }) },
    ], function (m) { return m.kind === 'memory-growth'; });
  }
  document.body.setAttribute('data-charts', 'ready');
})();
`;
