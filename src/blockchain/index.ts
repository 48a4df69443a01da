/** `blockchain/`: block types, their hashes and signatures, protobuf and archive codecs. */
export {
  archiveBlockPath,
  type BlockData,
  decodeArchiveBlock,
  decodeArchiveBlocks,
  encodeArchiveBlock,
  encodeArchiveBlocks,
  MAX_ARCHIVE_BLOCK_BYTES,
  MAX_ARCHIVE_BUNDLE_BLOCKS,
  MAX_ARCHIVE_BUNDLE_BYTES,
  mergedArchivePath,
  shortId,
  verifyBlockData,
} from "./archive.js";
export {
  BLOCK_ID_LENGTH,
  type Block,
  blockDigestNode,
  blockSigningDigest,
  blocksEqual,
  computeBlockId,
  DEFAULT_ROOT_ELEMENT,
  isBlockIdValid,
  type MembershipElement,
  newBlockWithParent,
  newOriginBlock,
} from "./block.js";
export {
  type BlockContents,
  blockContents,
  blockContentsDigestNode,
  blockContentsHash,
  KEY_IMAGE_LENGTH,
} from "./block-contents.js";
export {
  blockContentsFromProto,
  blockContentsToProto,
  blockFromProto,
  blockMetadataFromProto,
  blockMetadataToProto,
  blockSignatureFromProto,
  blockSignatureToProto,
  blockToProto,
} from "./convert.js";
export { BlockchainError, type BlockchainErrorCode } from "./errors.js";
export {
  type AttestationEvidence,
  type BlockMetadata,
  type BlockMetadataContents,
  type MetadataNodeId,
  type MetadataQuorumMember,
  type MetadataQuorumSet,
  metadataSigningDigest,
  signBlockMetadata,
  verifyBlockMetadata,
} from "./metadata.js";
export {
  type McNodeId,
  type McQuorumSet,
  type McQuorumSetMember,
  nodeIdDigestNode,
  quorumSetDigestNode,
  responderIdDigestNode,
} from "./node-id.js";
export { type BlockSignature, signBlock, verifyBlockSignature } from "./signature.js";
