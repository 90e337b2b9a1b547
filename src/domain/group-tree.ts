/**
 * The order of a group tree (docs/soa-and-graph.md §6a: "lowest in the hierarchy first, then move up").
 * `edges` maps a group id to the ids of the groups nested directly in it, as discovered from `root`.
 * A group's level is its LONGEST path from the root, so every group sits below all of its parents even
 * when it is reached by several paths; an edge that closes a cycle is ignored (AD allows nesting loops).
 * Returns the groups deepest level first (the root last), each with its level.
 */
export function bottomUpOrder(root: string, edges: ReadonlyMap<string, readonly string[]>): { id: string; depth: number }[] {
  const key = (id: string) => id.toLowerCase();
  const original = new Map<string, string>();
  const postOrder: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const forward = new Map<string, string[]>();
  // Iterative DFS: post-order gives a topological order once back edges (to a group on the stack) are dropped.
  const stack: { id: string; children: string[]; next: number }[] = [];
  const push = (id: string) => {
    original.set(key(id), original.get(key(id)) ?? id);
    onStack.add(key(id));
    const children = [...(edges.get(id) ?? edges.get(key(id)) ?? [])];
    forward.set(key(id), []);
    stack.push({ id: key(id), children, next: 0 });
  };
  push(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      const k = key(child);
      if (onStack.has(k)) continue; // closes a cycle
      forward.get(top.id)!.push(k);
      if (!done.has(k)) {
        original.set(k, original.get(k) ?? child);
        push(child);
      }
      continue;
    }
    stack.pop();
    onStack.delete(top.id);
    done.add(top.id);
    postOrder.push(top.id);
  }
  const depth = new Map<string, number>([[key(root), 0]]);
  for (const id of [...postOrder].reverse()) {
    for (const child of forward.get(id) ?? []) depth.set(child, Math.max(depth.get(child) ?? 0, (depth.get(id) ?? 0) + 1));
  }
  return [...depth.entries()].map(([id, d]) => ({ id: original.get(id) ?? id, depth: d })).sort((a, b) => b.depth - a.depth);
}
