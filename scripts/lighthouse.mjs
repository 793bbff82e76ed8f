// Lighthouse's own Node API on several pages in one process, for scripts/lighthouse.py:
//
//     node scripts/lighthouse.mjs FLAGS_JSON URL...
//
// runs Lighthouse on each URL in turn with FLAGS_JSON (the CLI's flags, camelCased;
// `port` names the running chromium Lighthouse opens its tabs in) and prints one JSON
// line per URL: its category scores (0 to 1), its total byte weight and Lighthouse's
// runtime error, if any. The CLI would start Node and load Lighthouse again for every
// page, some 4 s each.
//
// Every audit of weight 0 in the categories asked for is skipped, but the byte weight
// read below: a category's score is its audits' mean weighted by these weights, so those
// never change a score, and several need a gatherer of their own (code coverage, CSS
// usage, image re-encoding, text re-compression, the trace's elements) or work on the
// trace. The full-page screenshot, in no score either, is not taken.
import lighthouse from 'lighthouse';
import defaultConfig from 'lighthouse/core/config/default-config.js';

const READ = ['total-byte-weight'];

const [flagsJson, ...urls] = process.argv.slice(2);
const flags = JSON.parse(flagsJson);
const weights = new Map();
for (const id of flags.onlyCategories) {
  for (const ref of defaultConfig.categories[id].auditRefs) {
    weights.set(ref.id, Math.max(weights.get(ref.id) ?? 0, ref.weight));
  }
}
const unweighted = [...weights].filter(([id, weight]) => weight === 0 && !READ.includes(id));
flags.skipAudits = [...(flags.skipAudits ?? []), ...unweighted.map(([id]) => id)];
flags.disableFullPageScreenshot = true;

for (const url of urls) {
  const {lhr} = await lighthouse(url, flags);
  console.log(JSON.stringify({
    url,
    scores: Object.fromEntries(Object.values(lhr.categories).map(c => [c.id, c.score])),
    weight: lhr.audits['total-byte-weight'].numericValue,
    error: lhr.runtimeError?.message ?? null,
  }));
}
