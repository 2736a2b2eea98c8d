/**
 * Replication: {@link io.lifeboat.dr.replicate.Replicator} copies one repository's stored
 * objects, encrypted and verified by their names, from a source store to a replica, in
 * an order that keeps the replica consistent at every instant; {@link
 * io.lifeboat.dr.replicate.Replicator#lag} measures how far a replica is behind.
 * Which repositories go to which site (residency) is decided above this package.
 */
package io.lifeboat.dr.replicate;
