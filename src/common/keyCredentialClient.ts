import { type KeyCredential, normaliseEndpoint, parseConnectionString } from './connectionString.js';
import { signRequest } from './hmac.js';
import { HttpPipeline, type PipelineOptions } from './http.js';

/**
 * The pipeline of an admin client (identity, phone numbers, SMS): built from a connection string or
 * an endpoint and key, every request HMAC-signed with the access key as ACS signs them. With
 * `applicationId` every request acts as that calling application, the id sent and signed.
 */
export function createKeyCredentialPipeline(
  apiVersion: string,
  connectionStringOrEndpoint: string,
  credentialOrOptions?: KeyCredential | PipelineOptions,
  maybeOptions?: PipelineOptions,
  applicationId?: string,
): HttpPipeline {
  let endpoint: string;
  let key: string;
  let options: PipelineOptions | undefined;
  if (credentialOrOptions && typeof (credentialOrOptions as KeyCredential).key === 'string') {
    endpoint = normaliseEndpoint(new URL(connectionStringOrEndpoint).href);
    key = (credentialOrOptions as KeyCredential).key;
    options = maybeOptions;
  } else {
    const parsed = parseConnectionString(connectionStringOrEndpoint);
    endpoint = parsed.endpoint;
    key = parsed.credential.key;
    options = credentialOrOptions as PipelineOptions | undefined;
  }
  return new HttpPipeline(
    endpoint,
    apiVersion,
    ({ method, url, body }) =>
      signRequest({ method, url, body, accessKey: key, ...(applicationId !== undefined ? { applicationId } : {}) }),
    options,
  );
}
