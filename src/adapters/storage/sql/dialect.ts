/** The two databases the one store implementation runs on. */
export type SqlDialect = 'sqlite' | 'postgres';
