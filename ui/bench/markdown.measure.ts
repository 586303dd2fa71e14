// How long the Markdown reader takes on text built to make a backtracking reader slow,
// against plain text of the same length in the same run. Linear means: ten times the text
// takes about ten times as long, and the built text costs about what plain text does.
import { it } from 'vitest';
import { parseMarkdown } from '../src/lib/markdown';

function seconds(text: string): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    parseMarkdown(text);
    best = Math.min(best, performance.now() - start);
  }
  return best / 1000;
}

it('reads hostile Markdown in linear time', () => {
  const small = 32_000;
  const large = 320_000;
  const plain = 'lorem ipsum dolor sit amet '.repeat(large / 27 + 1).slice(0, large);
  const baseline = seconds(plain);
  console.log(`plain text, ${large} chars: ${baseline.toFixed(4)} s (baseline)`);
  let met = true;
  for (const unit of ['[a](', '[', '[a](b ', '`']) {
    const text = (n: number) => unit.repeat(n / unit.length);
    const a = seconds(text(small));
    const b = seconds(text(large));
    const growth = b / a;
    const vsPlain = b / baseline;
    // 10x the text: at most 20x the time (quadratic would be 100x), and within 20x of plain.
    const ok = growth <= 20 && vsPlain <= 20;
    met &&= ok;
    console.log(
      `${JSON.stringify(unit)} x ${Math.floor(large / unit.length)}: ${b.toFixed(4)} s; ` +
        `10x the text took ${growth.toFixed(1)}x as long; ${vsPlain.toFixed(1)}x plain text ` +
        `(${ok ? 'met' : 'NOT met'})`,
    );
  }
  console.log(`markdown reader linear: target ${met ? 'met' : 'NOT met'}`);
});
