/** DI token of the options given to MongoModule.forRootAsync. */
export const MONGO_MODULE_OPTIONS = Symbol('MONGO_MODULE_OPTIONS');
