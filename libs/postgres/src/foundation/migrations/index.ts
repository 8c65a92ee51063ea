import { EnablePostgis1767225600000 } from './1767225600000-enable-postgis';

/** Database-wide prerequisites every app needs; pass first to PostgresModule. */
export const foundationMigrations: Function[] = [EnablePostgis1767225600000];
