// AlterConfigs v0-2, the legacy whole-set replace for TOPIC and BROKER resources: the configs
// given become the resource's dynamic configs, and every other one is deleted. Validation is
// IncrementalAlterConfigs' (incremental-alter-configs.ts).
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AlterConfigsRequest } from '../../src/protocol/generated/clients/alter-configs-request.js';
import { AlterConfigsResponse } from '../../src/protocol/generated/clients/alter-configs-response.js';
import { ConfigResourceType } from '../controller/metadata-image.js';
import { alterResources, configAlteration, configsProblem } from './incremental-alter-configs.js';
import { defineHandler } from './types.js';

export const alterConfigs = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  request: AlterConfigsRequest,
  response: AlterConfigsResponse,
  async handle(ctx, request) {
    const responses = await alterResources(ctx, request.resources, request.validateOnly, (resource) => {
      const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
      // A null topic value reaches Kafka's controller validator, which words it this way.
      if (resource.resourceType === ConfigResourceType.Topic && nulls.length > 0) {
        return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Null value not supported for topic configs: ${nulls.join(',')}` };
      }
      const problem = configsProblem(resource.configs, () => false);
      if (problem !== null) return problem;
      return configAlteration(ctx, resource.resourceType, resource.resourceName, () => new Map(resource.configs.map((c) => [c.name, c.value!])));
    });
    return { throttleTimeMs: 0, responses };
  },
});
