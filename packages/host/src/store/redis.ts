// Public surface of the Redis session store and the cluster built on it.
export { Cluster, type ClusterOptions } from "../cluster/cluster.js";
export { RedisSessionStore, type RedisSessionStoreOptions } from "./redis/store.js";
