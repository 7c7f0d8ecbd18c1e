/**
 * The engine's own binary form of CKKS parameters in any key-switching layout and of the objects
 * made with them, for peers that both run this engine (the hospital edge and the cloud): SEAL's
 * format (io.blindtuner.he.seal) cannot hold the hybrid layout's keys or parameters.
 */
package io.blindtuner.he.wire;
