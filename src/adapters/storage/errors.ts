/** Errors the storage adapters raise besides the port's VersionConflictError. Same in every implementation. */

export class RequestNotFoundError extends Error {
  constructor(readonly requestId: string) {
    super(`request ${requestId} does not exist`);
    this.name = 'RequestNotFoundError';
  }
}

export class RequestAlreadyExistsError extends Error {
  constructor(readonly requestId: string) {
    super(`request ${requestId} already exists`);
    this.name = 'RequestAlreadyExistsError';
  }
}

/** The database was written by a newer SOA Bot: it records migrations this build does not know. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly unknownVersions: number[],
    readonly latestKnown: number,
  ) {
    super(
      `the database schema is newer than this SOA Bot build: it records migration(s) ${unknownVersions.join(', ')} ` +
        `but this build knows migrations up to ${latestKnown}. Upgrade SOA Bot, or point DATABASE_URL at another database.`,
    );
    this.name = 'SchemaTooNewError';
  }
}
