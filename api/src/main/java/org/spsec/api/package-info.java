/**
 * The embedding API: SPsec in a Java application in a few lines. {@link org.spsec.api.SpsecParticipant}
 * runs one participant on a bus (warm-up, storage, timestamp persistence and threading hidden);
 * {@link org.spsec.api.SpsecConfigurator} provisions devices and reads and writes their registers,
 * each operation a {@link java.util.concurrent.CompletableFuture}. Start with docs/EMBEDDING.md.
 */
package org.spsec.api;
