/**
 * Retention policies: which snapshots {@code lifeboat forget} keeps and why.
 *
 * <p>{@link io.lifeboat.core.retention.RetentionPolicy} holds the keep rules and decides a
 * list of snapshots, group by group ({@link io.lifeboat.core.retention.GroupBy},
 * {@link io.lifeboat.core.retention.GroupKey}), into one
 * {@link io.lifeboat.core.retention.Decision} per snapshot. Pure logic: nothing here reads or
 * deletes anything, and the current time plays no part.
 */
package io.lifeboat.core.retention;
