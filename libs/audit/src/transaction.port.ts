/**
 * An open transaction of the store that holds the audit chain (PostgreSQL). Opaque to the
 * domain: services only pass it along; adapters of that same store run their statements in
 * it, so a state change (e.g. a user update) and the audit entries describing it commit or
 * roll back together. Adapters subclass it; the protected member makes the type nominal, so
 * no other object can be passed where a transaction is expected.
 */
export abstract class Transaction {
  protected readonly opaqueTransaction = true;
}
