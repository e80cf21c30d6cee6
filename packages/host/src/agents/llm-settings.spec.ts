import { create } from "@bufbuild/protobuf";
import { LlmConfigSchema } from "@toolbridge/protocol";
import { describe, expect, it } from "vitest";
import { resolveLlmSettings } from "./llm-settings.js";

const openai = {
  provider: "openai" as const,
  baseUrl: "http://127.0.0.1:8080/v1",
  model: "llama",
  apiKeyEnv: "LLM_KEY",
};
const request = (init: Parameters<typeof create<typeof LlmConfigSchema>>[1]) => create(LlmConfigSchema, init);

describe("resolveLlmSettings", () => {
  it("uses the host's settings when the request names none", () => {
    expect(resolveLlmSettings(openai, undefined)).toEqual({
      ...openai,
      temperature: undefined,
      toolCalling: undefined,
    });
    expect(resolveLlmSettings({ provider: "scripted" }, request({}))).toMatchObject({ provider: "scripted" });
  });

  it("lets a request pick provider, model, temperature and tool calling, keeping the operator's endpoint and key", () => {
    const settings = resolveLlmSettings(
      openai,
      request({ model: "qwen", temperature: 0, options: { tool_calling: "text" } }),
    );
    expect(settings).toEqual({ ...openai, model: "qwen", temperature: 0, toolCalling: "text" });
    expect(resolveLlmSettings(openai, request({ provider: "scripted" })).provider).toBe("scripted");
    expect(resolveLlmSettings(openai, request({ baseUrl: openai.baseUrl, apiKeyEnv: "LLM_KEY" })).baseUrl).toBe(
      openai.baseUrl,
    );
  });

  it.each([
    [{ baseUrl: "http://127.0.0.1:9/v1" }, "PermissionDenied", "llm.base_url"],
    [{ apiKeyEnv: "AWS_SECRET_ACCESS_KEY" }, "PermissionDenied", "llm.api_key_env"],
    [{ provider: "anthropic" }, "InvalidArgument", "llm.provider"],
    [{ options: { tool_calling: "sometimes" } }, "InvalidArgument", "llm.options.tool_calling"],
  ])("refuses %j", (init, code, field) => {
    expect(() => resolveLlmSettings(openai, request(init))).toThrow(
      expect.objectContaining({ code, details: { field } }),
    );
  });

  it("refuses openai on a host configured without an endpoint", () => {
    expect(() => resolveLlmSettings({ provider: "scripted" }, request({ provider: "openai", model: "m" }))).toThrow(
      expect.objectContaining({
        code: "FailedPrecondition",
        message: expect.stringContaining("--llm openai --llm-base-url URL"),
      }),
    );
  });
});
