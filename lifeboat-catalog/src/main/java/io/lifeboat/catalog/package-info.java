/**
 * The catalog: what a repository protects (assets), the model registry and recovery
 * points. Everything it knows is stored in the repository it describes, as encrypted,
 * immutable objects, so every copy of a repository carries its catalog.
 */
package io.lifeboat.catalog;
