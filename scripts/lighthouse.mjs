// Lighthouse's own Node API on several pages in one process, for scripts/lighthouse.py:
//
//     node scripts/lighthouse.mjs FLAGS_JSON URL...
//
// runs Lighthouse on each URL in turn with FLAGS_JSON (the CLI's flags, camelCased;
// `port` names the running chromium Lighthouse opens its tabs in) and prints one JSON
// line per URL: its category scores (0 to 1), its total byte weight and Lighthouse's
// runtime error, if any. The CLI would start Node and load Lighthouse again for every
// page, some 4 s each.
import lighthouse from 'lighthouse';

const [flags, ...urls] = process.argv.slice(2);
for (const url of urls) {
  const {lhr} = await lighthouse(url, JSON.parse(flags));
  console.log(JSON.stringify({
    url,
    scores: Object.fromEntries(Object.values(lhr.categories).map(c => [c.id, c.score])),
    weight: lhr.audits['total-byte-weight'].numericValue,
    error: lhr.runtimeError?.message ?? null,
  }));
}
