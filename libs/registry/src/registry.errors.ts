import type { RegistryEntity } from './registry.model';

/** Base of the registry's domain errors; the app maps each to an HTTP status. */
export abstract class RegistryError extends Error {}

/** No such customer, meter or sensor (404). */
export class RegistryNotFoundError extends RegistryError {
  constructor(
    readonly entity: RegistryEntity,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
    this.name = 'RegistryNotFoundError';
  }
}

/** A registered record with that id exists already (409). */
export class RegistryConflictError extends RegistryError {
  constructor(
    readonly entity: RegistryEntity,
    readonly id: string,
    detail?: string,
  ) {
    super(detail ?? `${entity} ${id} is already registered`);
    this.name = 'RegistryConflictError';
  }
}

/** The record has history (readings, assignments, consumption): decommission it instead (409). */
export class RegistryHasHistoryError extends RegistryError {
  constructor(
    readonly entity: RegistryEntity,
    readonly id: string,
    readonly history: string,
  ) {
    super(`${entity} ${id} has ${history}: it cannot be deleted; set its status to decommissioned instead`);
    this.name = 'RegistryHasHistoryError';
  }
}

/** Input that breaks a registry rule, naming the field (400). */
export class RegistryInputError extends RegistryError {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field} ${detail}`);
    this.name = 'RegistryInputError';
  }
}

/** A store the operation needs does not answer (503, naming it). */
export class RegistryStoreUnavailableError extends RegistryError {
  constructor(
    readonly store: 'postgres' | 'mongodb',
    readonly detail: string,
  ) {
    super(`${store === 'mongodb' ? 'MongoDB' : 'PostgreSQL'} is unavailable: ${detail}`);
    this.name = 'RegistryStoreUnavailableError';
  }
}
