import { BulkDirectory } from './bulk-directory';
import { Directory } from './directory';
import { Logger } from './logger';

/** The directory ports one request's work goes through. */
export interface DirectoriesOfRequest {
  directory: Directory;
  bulk: BulkDirectory | null;
}

/**
 * The directory for a request: the same Graph client, token cache and throttling as every other call,
 * but each call it makes is filed in that request's record (GraphCallLog) and logged through `logger`
 * (which carries the request id). The job runner hands it to the job it runs for the request.
 */
export interface RequestDirectories {
  forRequest(requestId: string, logger: Logger): DirectoriesOfRequest;
}

/** The same directories for every request, nothing filed: where no Graph adapter is wired (stand-ins, bench). */
export function sameDirectories(directories: DirectoriesOfRequest): RequestDirectories {
  return { forRequest: () => directories };
}
