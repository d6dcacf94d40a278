// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title The published global models: round -> model hash, written once per round.
/// @notice The round workflow publishes a model (ONNX, content-hashed) and records its hash here; settlement
/// only accepts epochs whose traded models are registered, so every payout points at a model anyone can fetch
/// and check.
contract ModelRegistry is AccessControl {
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");

    struct Entry {
        bytes32 modelHash; // SHA-256 of the published parameters
        uint64 version; // the model's version in its template's line
        uint64 registeredAt;
    }

    mapping(bytes32 roundId => Entry) private _byRound;
    mapping(bytes32 modelHash => bytes32 roundId) private _roundOf;

    event ModelRegistered(bytes32 indexed roundId, bytes32 indexed modelHash, uint64 version);

    error ZeroValue();
    error RoundAlreadyRegistered(bytes32 roundId, bytes32 modelHash);
    error ModelAlreadyRegistered(bytes32 modelHash, bytes32 roundId);

    constructor(address admin) {
        if (admin == address(0)) revert ZeroValue();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Records a round's model. A round is registered once; the same model cannot stand for two rounds.
    function register(bytes32 roundId, bytes32 modelHash, uint64 version) external onlyRole(PUBLISHER_ROLE) {
        if (roundId == bytes32(0) || modelHash == bytes32(0)) revert ZeroValue();
        Entry storage e = _byRound[roundId];
        if (e.modelHash != bytes32(0)) revert RoundAlreadyRegistered(roundId, e.modelHash);
        bytes32 other = _roundOf[modelHash];
        if (other != bytes32(0)) revert ModelAlreadyRegistered(modelHash, other);
        _byRound[roundId] = Entry(modelHash, version, uint64(block.timestamp));
        _roundOf[modelHash] = roundId;
        emit ModelRegistered(roundId, modelHash, version);
    }

    function modelOf(bytes32 roundId) external view returns (bytes32 modelHash, uint64 version, uint64 registeredAt) {
        Entry storage e = _byRound[roundId];
        return (e.modelHash, e.version, e.registeredAt);
    }

    /// @return roundId the round that published the model, or zero when it is not registered
    function roundOf(bytes32 modelHash) external view returns (bytes32) {
        return _roundOf[modelHash];
    }
}
