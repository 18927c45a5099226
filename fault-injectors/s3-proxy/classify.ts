// Tells S3 requests apart: operation, bucket, key or listing prefix, from method, path-style URL and query.
// Longhorn forces path style whenever a custom endpoint is set (docs/longhorn.md#s3-calls), so virtual-hosted
// requests are not recognised: they classify by path like any other, usually as bucket operations.
import type { S3Operation } from './types.js';

export interface ListingParams {
  version: 1 | 2;
  prefix: string;
  delimiter: string;
  /** v1 `marker`, v2 `start-after`. */
  marker: string;
  continuationToken?: string;
  maxKeys?: number;
  encodingType?: string;
}

export interface ClassifiedRequest {
  method: string;
  op: S3Operation;
  bucket?: string;
  key?: string;
  /** Listing prefix, for list operations. */
  prefix?: string;
  listing?: ListingParams;
  query: URLSearchParams;
}

/** Query parameters naming a sub-resource that turns a plain object/bucket request into something else. */
const SUBRESOURCES = [
  'acl',
  'tagging',
  'policy',
  'policyStatus',
  'versioning',
  'lifecycle',
  'cors',
  'encryption',
  'notification',
  'replication',
  'retention',
  'legal-hold',
  'object-lock',
  'website',
  'logging',
  'requestPayment',
  'select',
  'restore',
  'attributes',
  'torrent',
  'versions',
  'accelerate',
  'analytics',
  'inventory',
  'metrics',
  'ownershipControls',
  'publicAccessBlock',
  'intelligent-tiering',
];

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `copySource`: the request carries `x-amz-copy-source` (CopyObject, or UploadPartCopy, counted as UploadPart). */
export function classify(method: string, rawUrl: string, copySource = false): ClassifiedRequest {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
  const path = rawPath.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  const bucket = path === '' ? undefined : decodeSegment(slash < 0 ? path : path.slice(0, slash));
  const rawKey = slash < 0 ? '' : path.slice(slash + 1);
  const key = rawKey === '' ? undefined : decodeSegment(rawKey);
  const upper = method.toUpperCase();
  const base = { method: upper, bucket, key, query };
  const hasSub = SUBRESOURCES.some((s) => query.has(s));

  if (bucket === undefined) return { ...base, op: upper === 'GET' ? 'ListBuckets' : 'Other' };
  if (key === undefined) return { ...base, ...bucketOperation(upper, query, hasSub) };
  return { ...base, op: objectOperation(upper, query, hasSub, copySource) };
}

function bucketOperation(
  method: string,
  query: URLSearchParams,
  hasSub: boolean,
): { op: S3Operation; prefix?: string; listing?: ListingParams } {
  switch (method) {
    case 'GET': {
      if (query.has('location')) return { op: 'GetBucketLocation' };
      if (query.has('uploads')) return { op: 'ListMultipartUploads' };
      if (hasSub) return { op: 'Other' };
      const version = query.get('list-type') === '2' ? 2 : 1;
      const maxKeys = query.has('max-keys') ? Number(query.get('max-keys')) : undefined;
      const listing: ListingParams = {
        version,
        prefix: query.get('prefix') ?? '',
        delimiter: query.get('delimiter') ?? '',
        marker: (version === 2 ? query.get('start-after') : query.get('marker')) ?? '',
        continuationToken: query.get('continuation-token') ?? undefined,
        maxKeys: Number.isFinite(maxKeys) ? maxKeys : undefined,
        encodingType: query.get('encoding-type') ?? undefined,
      };
      return { op: version === 2 ? 'ListObjectsV2' : 'ListObjects', prefix: listing.prefix, listing };
    }
    case 'PUT':
      return { op: hasSub ? 'Other' : 'CreateBucket' };
    case 'DELETE':
      return { op: hasSub ? 'Other' : 'DeleteBucket' };
    case 'HEAD':
      return { op: 'HeadBucket' };
    case 'POST':
      return { op: query.has('delete') ? 'DeleteObjects' : 'Other' };
    default:
      return { op: 'Other' };
  }
}

function objectOperation(
  method: string,
  query: URLSearchParams,
  hasSub: boolean,
  copySource: boolean,
): S3Operation {
  const uploadId = query.has('uploadId');
  switch (method) {
    case 'GET':
      if (uploadId) return 'ListParts';
      return hasSub ? 'Other' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (uploadId && query.has('partNumber')) return 'UploadPart';
      if (hasSub) return 'Other';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (uploadId) return 'CompleteMultipartUpload';
      return 'Other';
    case 'DELETE':
      if (uploadId) return 'AbortMultipartUpload';
      return hasSub ? 'Other' : 'DeleteObject';
    default:
      return 'Other';
  }
}

/** Operations that create or replace an object when they succeed. */
export const WRITE_OPERATIONS: readonly S3Operation[] = [
  'PutObject',
  'CopyObject',
  'CompleteMultipartUpload',
];
/** Operations that remove objects when they succeed. */
export const DELETE_OPERATIONS: readonly S3Operation[] = ['DeleteObject', 'DeleteObjects'];
export const LIST_OPERATIONS: readonly S3Operation[] = ['ListObjects', 'ListObjectsV2'];
export const READ_OPERATIONS: readonly S3Operation[] = ['GetObject', 'HeadObject'];
