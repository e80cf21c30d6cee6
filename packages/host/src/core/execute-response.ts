import type { Any } from "@bufbuild/protobuf/wkt";
import { type ExecuteToolResponse, ExecuteToolResponseSchema, ExecutionMetricsSchema } from "@toolbridge/protocol";

const RESPONSE_TYPE = ExecuteToolResponseSchema.typeName as "toolbridge.v1.ExecuteToolResponse";
const METRICS_TYPE = ExecutionMetricsSchema.typeName as "toolbridge.v1.ExecutionMetrics";

/**
 * A successful ExecuteToolResponse, field for field what create(ExecuteToolResponseSchema, ...)
 * makes (execute-response.spec.ts holds the two equal), built as plain literals: create()
 * walks the schema by reflection and cost more per call than the rest of the runner.
 */
export function successResponse(
  result: Any,
  requestId: string,
  durationMs: number,
  queuedMs: number,
  resultBytes: number,
  attempts: number,
): ExecuteToolResponse {
  return {
    $typeName: RESPONSE_TYPE,
    success: true,
    requestId,
    result,
    metrics: {
      $typeName: METRICS_TYPE,
      durationMs,
      queuedMs,
      resultBytes: BigInt(resultBytes),
      workerId: "",
      attempts,
    },
  };
}
