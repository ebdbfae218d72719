// ACL admin calls as Kafka's Admin makes them for kafka-acls.sh: CreateAcls, DescribeAcls and
// DeleteAcls, each sent to any broker (a KRaft broker forwards the writes to the controller), at
// the highest version both sides speak and at least v1 (the first with pattern types, KIP-290).
// Outcomes keep their Kafka error code and the broker's message, so a command can word a failure
// as Kafka's exceptions do.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import type { AclOperation, AclPermissionType, PatternType, ResourceType } from '../protocol/acls.js';
import { CreateAclsRequest } from '../protocol/generated/clients/create-acls-request.js';
import { CreateAclsResponse } from '../protocol/generated/clients/create-acls-response.js';
import { DeleteAclsRequest, type DeleteAclsFilter } from '../protocol/generated/clients/delete-acls-request.js';
import { DeleteAclsResponse } from '../protocol/generated/clients/delete-acls-response.js';
import { DescribeAclsRequest } from '../protocol/generated/clients/describe-acls-request.js';
import { DescribeAclsResponse } from '../protocol/generated/clients/describe-acls-response.js';
import { requireVersion, type Cluster } from './cluster.js';
import { api } from './connection.js';

const CREATE_ACLS = api(CreateAclsRequest, CreateAclsResponse);
const DESCRIBE_ACLS = api(DescribeAclsRequest, DescribeAclsResponse);
const DELETE_ACLS = api(DeleteAclsRequest, DeleteAclsResponse);

/** A concrete resource pattern: LITERAL or PREFIXED. */
export interface ResourcePattern {
  resourceType: ResourceType;
  name: string;
  patternType: PatternType;
}

/** A pattern filter: ANY in a field matches every value, a null name every name, MATCH what would apply to the name. */
export interface ResourcePatternFilter {
  resourceType: ResourceType;
  name: string | null;
  patternType: PatternType;
}

export interface AccessControlEntry {
  principal: string;
  host: string;
  operation: AclOperation;
  permissionType: AclPermissionType;
}

export interface AccessControlEntryFilter {
  principal: string | null;
  host: string | null;
  operation: AclOperation;
  permissionType: AclPermissionType;
}

export interface AclBinding {
  pattern: ResourcePattern;
  entry: AccessControlEntry;
}

export interface AclBindingFilter {
  pattern: ResourcePatternFilter;
  entry: AccessControlEntryFilter;
}

/** A failure the broker reported for one binding or filter: its error code and message (null: the code's default). */
export interface AclError {
  errorCode: number;
  errorMessage: string | null;
}

export interface DeleteAclsOutcome {
  /** The whole filter failed. */
  error: AclError | null;
  /** The bindings the filter matched, each with its own failure, if any. */
  matching: { binding: AclBinding; error: AclError | null }[];
}

const failure = (errorCode: number, errorMessage: string | null): AclError | null => (errorCode === ErrorCode.NONE ? null : { errorCode, errorMessage });

function wireFilter(filter: AclBindingFilter): DeleteAclsFilter {
  return {
    resourceTypeFilter: filter.pattern.resourceType,
    resourceNameFilter: filter.pattern.name,
    patternTypeFilter: filter.pattern.patternType,
    principalFilter: filter.entry.principal,
    hostFilter: filter.entry.host,
    operation: filter.entry.operation,
    permissionType: filter.entry.permissionType,
  };
}

export class AclAdmin {
  constructor(readonly cluster: Cluster) {}

  /** Creates the bindings in one request; one outcome per binding, in order (null: created). */
  async createAcls(bindings: readonly AclBinding[]): Promise<(AclError | null)[]> {
    const connection = await this.cluster.anyConnection();
    const version = requireVersion(connection, CreateAclsRequest, 1);
    const response = await connection.send(CREATE_ACLS, version, {
      creations: bindings.map(({ pattern, entry }) => ({
        resourceType: pattern.resourceType,
        resourceName: pattern.name,
        resourcePatternType: pattern.patternType,
        principal: entry.principal,
        host: entry.host,
        operation: entry.operation,
        permissionType: entry.permissionType,
      })),
    });
    if (response.results.length !== bindings.length) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `CreateAcls answered ${response.results.length} results for ${bindings.length} creations`);
    }
    return response.results.map((r) => failure(r.errorCode, r.errorMessage));
  }

  /** The bindings matching the filter, in the broker's order; a failure of the call is thrown with the broker's message. */
  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const connection = await this.cluster.anyConnection();
    const version = requireVersion(connection, DescribeAclsRequest, 1);
    const response = await connection.send(DESCRIBE_ACLS, version, wireFilter(filter));
    if (response.errorCode !== ErrorCode.NONE) throw new AclRequestError(response.errorCode, response.errorMessage);
    return response.resources.flatMap((r) =>
      r.acls.map((a) => ({
        pattern: { resourceType: r.resourceType as ResourceType, name: r.resourceName, patternType: r.patternType as PatternType },
        entry: { principal: a.principal, host: a.host, operation: a.operation as AclOperation, permissionType: a.permissionType as AclPermissionType },
      })),
    );
  }

  /** Deletes what each filter matches, in one request; one outcome per filter, in order. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<DeleteAclsOutcome[]> {
    const connection = await this.cluster.anyConnection();
    const version = requireVersion(connection, DeleteAclsRequest, 1);
    const response = await connection.send(DELETE_ACLS, version, { filters: filters.map(wireFilter) });
    if (response.filterResults.length !== filters.length) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DeleteAcls answered ${response.filterResults.length} results for ${filters.length} filters`);
    }
    return response.filterResults.map((r) => ({
      error: failure(r.errorCode, r.errorMessage),
      matching: r.matchingAcls.map((m) => ({
        binding: {
          pattern: { resourceType: m.resourceType as ResourceType, name: m.resourceName, patternType: m.patternType as PatternType },
          entry: { principal: m.principal, host: m.host, operation: m.operation as AclOperation, permissionType: m.permissionType as AclPermissionType },
        },
        error: failure(m.errorCode, m.errorMessage),
      })),
    }));
  }
}

/** A whole ACL request refused by the broker, keeping its message as Kafka's exception would. */
export class AclRequestError extends KafkaProtocolError {
  constructor(
    code: number,
    readonly errorMessage: string | null,
  ) {
    super(code, errorMessage);
    this.name = 'AclRequestError';
  }
}
