/**
 * Where sampled CPU time went under one function (the monitor's onBatchEnd): the functions on
 * those stacks by inclusive and by self time. Reads V8's .cpuprofile format; pure.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time on stacks that pass through `root`. */
  underMs: number;
  inclusive: TimeShare[];
  self: TimeShare[];
}

const nameOf = (n: CpuProfileNode) => {
  const file = n.callFrame.url.split('/').pop() || '(native)';
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
};

/** Inclusive and self time of every function sampled on a stack through `root` (by function name). */
export function summarizeUnder(profile: CpuProfile, root: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  let under = 0;
  for (const [id, us] of perNode) {
    total += us;
    const stack: CpuProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!);
    // The outermost call of root: time in a nested call counts once.
    let rootAt = -1;
    stack.forEach((n, i) => {
      if (n.callFrame.functionName === root) rootAt = i;
    });
    if (rootAt < 0) continue;
    under += us;
    const seen = new Set<string>();
    for (const n of stack.slice(0, rootAt + 1)) {
      const name = nameOf(n);
      if (seen.has(name)) continue; // recursion: once per stack
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
    const leaf = nameOf(stack[0]!);
    self.set(leaf, (self.get(leaf) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  return { totalMs: total / 1000, underMs: under / 1000, inclusive: sorted(inclusive), self: sorted(self) };
}
