import { defineTool } from "@toolbridge/host";
import { z } from "zod";
import { CORPUS, type CorpusDocument } from "./corpus.js";

/**
 * `search_web`: Okapi BM25 over the bundled offline corpus, so the demo's
 * "web search" returns real ranked results with no network. Titles count twice
 * (a title match says more about a page than a body match).
 */

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

export const MAX_SEARCH_RESULTS = 50;
const SNIPPET_CHARS = 200;
/** BM25's usual parameters: term-frequency saturation and length normalization. */
const K1 = 1.2;
const B = 0.75;

const STOPWORDS = new Set(
  "a an and are as at be by can for from how in into is it its of on or so such than that the their them then there these they this to was what when where which who why will with".split(
    " ",
  ),
);

export const searchWebInput = z.object({
  query: z.string().trim().min(1, "query must contain at least one non-space character").describe("What to search for"),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_SEARCH_RESULTS)
    .default(5)
    .describe(`Most results to return (1-${MAX_SEARCH_RESULTS})`),
});

export function searchCorpus(query: string, limit = 5): SearchResult[] {
  const index = corpusIndex();
  const terms = [...new Set(tokenize(query))];
  const scored: { doc: IndexedDocument; score: number }[] = [];
  for (const doc of index.docs) {
    let score = 0;
    for (const term of terms) {
      const tf = doc.termCounts.get(term);
      if (!tf) continue;
      const idf = index.idf.get(term) ?? 0;
      score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / index.averageLength));
    }
    if (score > 0) scored.push({ doc, score });
  }
  // Array.prototype.sort is stable, so equal scores keep corpus order: results are deterministic.
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit).map(({ doc }) => ({
    title: doc.source.title,
    url: doc.source.url,
    snippet: snippet(doc.source.body, terms),
  }));
}

interface IndexedDocument {
  source: CorpusDocument;
  termCounts: Map<string, number>;
  length: number;
}

interface CorpusIndex {
  docs: IndexedDocument[];
  idf: Map<string, number>;
  averageLength: number;
}

let builtIndex: CorpusIndex | undefined;

/** Built on first search, not at import, so `toolbridge serve` starts without paying for it. */
function corpusIndex(): CorpusIndex {
  if (builtIndex) return builtIndex;
  const docs = CORPUS.map((source) => {
    const tokens = [...tokenize(source.title), ...tokenize(source.title), ...tokenize(source.body)];
    const termCounts = new Map<string, number>();
    for (const token of tokens) termCounts.set(token, (termCounts.get(token) ?? 0) + 1);
    return { source, termCounts, length: tokens.length };
  });
  const documentFrequency = new Map<string, number>();
  for (const doc of docs) {
    for (const term of doc.termCounts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const [term, df] of documentFrequency) {
    // The "+1" variant keeps idf positive even for terms in most documents.
    idf.set(term, Math.log(1 + (docs.length - df + 0.5) / (df + 0.5)));
  }
  const averageLength = docs.reduce((sum, doc) => sum + doc.length, 0) / docs.length;
  builtIndex = { docs, idf, averageLength };
  return builtIndex;
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !STOPWORDS.has(word))
    .map(stem);
}

/** Plural folding only: enough for "signatures" to find "signature" without a stemmer's surprises. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** The body sentence with the most distinct query terms, cut to SNIPPET_CHARS. */
function snippet(body: string, terms: string[]): string {
  // Split only where punctuation meets whitespace, so "Node.js" and "grpc.health.v1" stay whole.
  const sentences = body.split(/(?<=[.!?])\s+/);
  let best = sentences[0] ?? body;
  let bestHits = -1;
  for (const sentence of sentences) {
    const words = new Set(tokenize(sentence));
    const hits = terms.filter((term) => words.has(term)).length;
    if (hits > bestHits) {
      best = sentence;
      bestHits = hits;
    }
  }
  best = best.trim();
  return best.length <= SNIPPET_CHARS ? best : `${best.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`;
}

export const searchWebTool = defineTool({
  name: "search_web",
  description: "Search a bundled offline corpus of web pages (BM25 ranking); returns [{title, url, snippet}].",
  input: searchWebInput,
  handler: ({ query, limit }) => searchCorpus(query, limit),
});
