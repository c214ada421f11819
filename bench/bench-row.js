// One line per row of issue 14's target table, printed by each bench script beside its own
// human-readable output, so bench/run-all.js can collect the rows of three runs and print medians:
//   BENCH-ROW {"row":"1 client, frames/s","value":0.23,"kind":"ratio","target":">= 0.80",...}
// kind: "ratio" (jiminy / baseline, higher is better), "times" (wall / baseline, lower is better), "count",
// "kb" (a size, lower is better). `ok` says whether the value meets the target.
export function benchRow(row, value, {kind = 'ratio', target, detail = ''} = {}) {
  const [op, bound] = target.split(' ')
  const ok = op === '>=' ? value >= Number(bound) : value <= Number(bound)
  console.log(`BENCH-ROW ${JSON.stringify({row, value, kind, target, ok, detail})}`)
}
