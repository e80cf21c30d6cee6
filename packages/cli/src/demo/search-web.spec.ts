import { describe, expect, it } from "vitest";
import { CORPUS } from "./corpus.js";
import { MAX_SEARCH_RESULTS, searchCorpus, searchWebInput, tokenize } from "./search-web.js";

describe("searchCorpus", () => {
  it("ranks the DSPy pages first for 'DSPy framework'", () => {
    const results = searchCorpus("DSPy framework");
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.url).toBe("https://dspy.ai/");
    expect(results.slice(0, 2).every((r) => r.title.includes("DSPy"))).toBe(true);
  });

  it("finds gRPC pages and returns {title, url, snippet} items", () => {
    const results = searchCorpus("grpc health checking", 3);
    expect(results).toHaveLength(3);
    expect(results[0]?.title).toBe("gRPC health checking protocol");
    for (const result of results) {
      expect(Object.keys(result).sort()).toEqual(["snippet", "title", "url"]);
      expect(result.url).toMatch(/^https:\/\//);
      expect(result.snippet.length).toBeGreaterThan(0);
      expect(result.snippet.length).toBeLessThanOrEqual(200);
    }
  });

  it("picks the snippet sentence that contains the query terms", () => {
    const [first] = searchCorpus("bidirectional streaming");
    expect(first?.snippet).toContain("bidirectional streaming");
  });

  it("keeps dotted names whole when splitting sentences", () => {
    const result = searchCorpus("grpc.aio asyncio stubs").find((r) => r.title === "grpcio AsyncIO API");
    expect(result?.snippet).toContain("grpc.aio");
  });

  it("folds plurals and case", () => {
    expect(tokenize("Signatures of the DSPy Modules")).toEqual(["signature", "dspy", "module"]);
    expect(searchCorpus("SIGNATURES")[0]?.title).toBe("DSPy signatures explained");
  });

  it("returns nothing for words the corpus lacks or stopwords only", () => {
    expect(searchCorpus("zyxwvut")).toEqual([]);
    expect(searchCorpus("the of and")).toEqual([]);
  });

  it("honours the limit and is deterministic", () => {
    const many = searchCorpus("protocol", MAX_SEARCH_RESULTS);
    expect(many.length).toBeGreaterThan(5);
    expect(many.length).toBeLessThanOrEqual(CORPUS.length);
    expect(searchCorpus("protocol", 2)).toEqual(many.slice(0, 2));
    expect(searchCorpus("protocol", MAX_SEARCH_RESULTS)).toEqual(many);
  });
});

describe("search_web input", () => {
  it("defaults the limit and rejects blank queries and out-of-range limits", () => {
    expect(searchWebInput.parse({ query: "grpc" })).toEqual({ query: "grpc", limit: 5 });
    expect(searchWebInput.safeParse({ query: "   " }).success).toBe(false);
    expect(searchWebInput.safeParse({ query: "grpc", limit: 0 }).success).toBe(false);
    expect(searchWebInput.safeParse({ query: "grpc", limit: MAX_SEARCH_RESULTS + 1 }).success).toBe(false);
  });
});
