// Reporter for `node --test` run by Maven: a line per failing test with its error, then one closing line with
// the counts Node itself totals (tests, pass, fail, ...), so a build log shows the result at a glance.

export default async function* summaryReporter(source) {
  const totals = new Map();
  for await (const event of source) {
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite') {
      const error = event.data.details?.error;
      const cause = error?.cause ?? error;
      yield `✖ ${event.data.file ?? ''} › ${event.data.name}\n${indent(String(cause?.stack ?? cause?.message ?? cause))}\n`;
    } else if (event.type === 'test:diagnostic' && event.data.nesting === 0) {
      const [name, value] = event.data.message.split(' ');
      if (value !== undefined && /^[\d.]+$/.test(value)) {
        totals.set(name, Number(value));
      } else {
        yield `${event.data.message}\n`;
      }
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      yield event.data.message;
    }
  }
  const count = (name) => totals.get(name) ?? 0;
  yield `JavaScript tests: ${count('tests')} run, ${count('pass')} passed, ${count('fail')} failed, `
    + `${count('cancelled')} cancelled, ${count('skipped')} skipped, ${count('todo')} todo `
    + `(${Math.round(count('duration_ms'))} ms)\n`;
}

function indent(text) {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}
