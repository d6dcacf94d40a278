// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title The Conflux vault: investors' capital, and each epoch's profit split between the platform, the
/// contributors whose updates built the traded models, and the investors.
/// @notice
/// - Investors deposit the stablecoin and redeem shares (ERC-4626). A virtual offset of 10^6 shares per asset
///   unit makes the donation ("inflation") attack cost the attacker far more than it takes from a victim.
/// - The settler records each epoch once and in order, bringing in the epoch's profit:
///   `fee = profit * feeBps / 10^4` goes to the platform, `pool = profit * contributorBps / 10^4` is the
///   contributors' part, allocated by a Merkle root over (epoch, trader, amount); the rest is the investors'
///   part and stays in the vault, raising the share price. What the root does not allocate of the pool
///   (rounding and unrewarded models: the epoch's dust) also stays with the investors.
/// - Allocations and fees are liabilities: they are held in the vault but excluded from `totalAssets`, so a
///   redeeming investor can never take a trader's allocation.
/// - Traders pull their own allocations (`claim`); nothing is pushed in a loop.
/// - The split and the fee recipient change only through a timelock: an admin proposes, and the change can be
///   activated no sooner than `CONFIG_DELAY` later. The fee is bounded by `MAX_FEE_BPS`.
///
/// Why a Merkle root rather than direct credits: crediting 10,000 traders writes 10,000 fresh storage slots,
/// about 22,100 gas each (220 million gas, seven or more full blocks, every epoch, paid by the platform).
/// A root is one slot per epoch (settlement costs the same for 10 or 10 million traders), and each trader
/// who claims pays for their own proof: about 14 hashes for 10,000 leaves.
contract ConfluxVault is ERC4626, AccessControl, Pausable, ReentrancyGuard, Multicall {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint16 public constant BPS = 10_000;
    uint16 public constant MAX_FEE_BPS = 5_000;
    uint64 public constant CONFIG_DELAY = 2 days;

    struct Epoch {
        bytes32 allocationsRoot;
        bytes32 auditRoot;
        uint128 profit;
        uint128 fee;
        uint128 allocated;
        uint128 claimed;
        uint128 dust;
        uint64 settledAt;
    }

    struct PendingConfig {
        uint16 feeBps;
        uint16 contributorBps;
        address feeRecipient;
        uint64 readyAt;
    }

    ModelRegistry public immutable registry;

    uint16 public feeBps;
    uint16 public contributorBps;
    address public feeRecipient;
    PendingConfig public pendingConfig;

    /// @notice The next epoch the settler may record: epochs are settled once each, in order.
    uint64 public nextEpoch;
    /// @notice Unclaimed allocations plus unwithdrawn fees: held here, owed to traders and the platform.
    uint256 public reserved;
    /// @notice Fees the fee recipient can withdraw.
    uint256 public feesOwed;

    mapping(uint64 epoch => Epoch) private _epochs;
    mapping(uint64 epoch => bytes32[]) private _epochModels;
    mapping(uint64 epoch => mapping(address trader => bool)) private _claimed;

    event EpochSettled(
        uint64 indexed epoch,
        uint256 profit,
        uint256 fee,
        uint256 allocated,
        uint256 dust,
        uint256 investorsPart,
        bytes32 allocationsRoot,
        bytes32 auditRoot,
        bytes32[] modelHashes
    );
    event Claimed(uint64 indexed epoch, address indexed trader, uint256 amount);
    event FeesWithdrawn(address indexed recipient, uint256 amount);
    event ConfigProposed(uint16 feeBps, uint16 contributorBps, address feeRecipient, uint64 readyAt);
    event ConfigCancelled();
    event ConfigChanged(uint16 feeBps, uint16 contributorBps, address feeRecipient);

    error ZeroAddress();
    error FeeAboveBound(uint16 feeBps, uint16 maxFeeBps);
    error SplitAboveWhole(uint16 feeBps, uint16 contributorBps);
    error NoPendingConfig();
    error TimelockNotElapsed(uint64 readyAt, uint64 now_);
    error EpochAlreadySettled(uint64 epoch);
    error EpochOutOfOrder(uint64 expected, uint64 given);
    error EpochNotSettled(uint64 epoch);
    error NoModels();
    error ModelNotRegistered(bytes32 modelHash);
    error FeeMismatch(uint256 expected, uint256 given);
    error AllocationsExceedPool(uint256 allocated, uint256 pool);
    error MissingAllocationsRoot();
    error ProfitNotReceived(uint256 expected, uint256 received);
    error AlreadyClaimed(uint64 epoch, address trader);
    error InvalidProof();
    error ClaimExceedsAllocation(uint64 epoch, uint256 remaining, uint256 amount);
    error NotFeeRecipient();
    error AmountTooLarge();

    constructor(
        IERC20 asset_,
        ModelRegistry registry_,
        address admin,
        address feeRecipient_,
        uint64 firstEpoch
    ) ERC20("Conflux Vault Share", "cfxV") ERC4626(asset_) {
        if (address(registry_) == address(0) || admin == address(0) || feeRecipient_ == address(0)) revert ZeroAddress();
        registry = registry_;
        feeRecipient = feeRecipient_;
        feeBps = 3_000;
        contributorBps = 5_000;
        nextEpoch = firstEpoch;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---- ERC-4626: what investors own excludes what is owed to traders and the platform -------------------

    function totalAssets() public view override returns (uint256) {
        return IERC20(asset()).balanceOf(address(this)) - reserved;
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }

    function maxDeposit(address receiver) public view override returns (uint256) {
        return paused() ? 0 : super.maxDeposit(receiver);
    }

    function maxMint(address receiver) public view override returns (uint256) {
        return paused() ? 0 : super.maxMint(receiver);
    }

    function maxWithdraw(address owner) public view override returns (uint256) {
        return paused() ? 0 : super.maxWithdraw(owner);
    }

    function maxRedeem(address owner) public view override returns (uint256) {
        return paused() ? 0 : super.maxRedeem(owner);
    }

    function _deposit(address caller, address receiver, uint256 assets, uint256 shares)
        internal
        override
        whenNotPaused
        nonReentrant
    {
        super._deposit(caller, receiver, assets, shares);
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
        whenNotPaused
        nonReentrant
    {
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    // ---- settlement ----------------------------------------------------------------------------------------

    /// @notice Records an epoch and takes its profit from the settler (who must have approved it).
    /// @param fee must equal `profit * feeBps / 10^4` (rounded down) under the current configuration
    /// @param allocated the sum of the Merkle leaves' amounts; at most the contributors' pool
    function settleEpoch(
        uint64 epoch,
        bytes32[] calldata modelHashes,
        bytes32 auditRoot,
        uint256 profit,
        uint256 fee,
        uint256 allocated,
        bytes32 allocationsRoot
    ) external onlyRole(SETTLER_ROLE) whenNotPaused nonReentrant {
        if (epoch < nextEpoch) revert EpochAlreadySettled(epoch);
        if (epoch != nextEpoch) revert EpochOutOfOrder(nextEpoch, epoch);
        if (profit > type(uint128).max) revert AmountTooLarge();
        if (allocated > 0 && modelHashes.length == 0) revert NoModels();
        for (uint256 i = 0; i < modelHashes.length; i++) {
            if (registry.roundOf(modelHashes[i]) == bytes32(0)) revert ModelNotRegistered(modelHashes[i]);
        }
        uint256 pool = _checkSplit(profit, fee, allocated, allocationsRoot);
        Epoch storage e = _epochs[epoch];
        e.allocationsRoot = allocationsRoot;
        e.auditRoot = auditRoot;
        e.profit = uint128(profit);
        e.fee = uint128(fee);
        e.allocated = uint128(allocated);
        e.dust = uint128(pool - allocated);
        e.settledAt = uint64(block.timestamp);
        _epochModels[epoch] = modelHashes;
        nextEpoch = epoch + 1;
        reserved += fee + allocated;
        feesOwed += fee;
        _receiveProfit(profit);
        emit EpochSettled(epoch, profit, fee, allocated, pool - allocated, profit - fee - pool, allocationsRoot, auditRoot, modelHashes);
    }

    /// @return pool the contributors' part of the profit
    function _checkSplit(uint256 profit, uint256 fee, uint256 allocated, bytes32 allocationsRoot) private view returns (uint256 pool) {
        uint256 expectedFee = (profit * feeBps) / BPS;
        if (fee != expectedFee) revert FeeMismatch(expectedFee, fee);
        pool = (profit * contributorBps) / BPS;
        if (allocated > pool) revert AllocationsExceedPool(allocated, pool);
        if (allocated > 0 && allocationsRoot == bytes32(0)) revert MissingAllocationsRoot();
    }

    function _receiveProfit(uint256 profit) private {
        if (profit == 0) return;
        IERC20 token = IERC20(asset());
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), profit);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != profit) revert ProfitNotReceived(profit, received);
    }

    /// @notice An epoch's record (settledAt is 0 for an epoch not settled). Returned as values, not a struct:
    /// web3j's wrapper generator fails on a contract that has both struct outputs and nested arrays.
    function epochOf(uint64 epoch)
        external
        view
        returns (
            bytes32 allocationsRoot,
            bytes32 auditRoot,
            uint256 profit,
            uint256 fee,
            uint256 allocated,
            uint256 claimed,
            uint256 dust,
            uint64 settledAt
        )
    {
        Epoch storage e = _epochs[epoch];
        return (e.allocationsRoot, e.auditRoot, e.profit, e.fee, e.allocated, e.claimed, e.dust, e.settledAt);
    }

    function epochModels(uint64 epoch) external view returns (bytes32[] memory) {
        return _epochModels[epoch];
    }

    function hasClaimed(uint64 epoch, address trader) external view returns (bool) {
        return _claimed[epoch][trader];
    }

    /// @notice The leaf a trader's allocation is under: OpenZeppelin's double-hashed standard leaf.
    function leaf(uint64 epoch, address trader, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epoch, trader, amount))));
    }

    // ---- withdrawals (pull) ----------------------------------------------------------------------------------

    /// @notice Pays the caller their allocation for one epoch: once, only to the address the allocation names.
    /// Several epochs are claimed in one transaction through `multicall` (OpenZeppelin's Multicall: each call runs
    /// as the caller, one after the other).
    function claim(uint64 epoch, uint256 amount, bytes32[] calldata proof) external whenNotPaused nonReentrant {
        Epoch storage e = _epochs[epoch];
        if (e.settledAt == 0) revert EpochNotSettled(epoch);
        if (_claimed[epoch][msg.sender]) revert AlreadyClaimed(epoch, msg.sender);
        if (!MerkleProof.verifyCalldata(proof, e.allocationsRoot, leaf(epoch, msg.sender, amount))) revert InvalidProof();
        uint256 remaining = e.allocated - e.claimed;
        if (amount > remaining) revert ClaimExceedsAllocation(epoch, remaining, amount);
        _claimed[epoch][msg.sender] = true;
        e.claimed += uint128(amount);
        reserved -= amount;
        IERC20(asset()).safeTransfer(msg.sender, amount);
        emit Claimed(epoch, msg.sender, amount);
    }

    /// @notice The fee recipient withdraws the fees owed to it.
    function withdrawFees() external whenNotPaused nonReentrant {
        if (msg.sender != feeRecipient) revert NotFeeRecipient();
        uint256 amount = feesOwed;
        feesOwed = 0;
        reserved -= amount;
        IERC20(asset()).safeTransfer(msg.sender, amount);
        emit FeesWithdrawn(msg.sender, amount);
    }

    // ---- configuration, behind the timelock -----------------------------------------------------------------

    function proposeConfig(uint16 feeBps_, uint16 contributorBps_, address feeRecipient_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (feeBps_ > MAX_FEE_BPS) revert FeeAboveBound(feeBps_, MAX_FEE_BPS);
        if (uint256(feeBps_) + contributorBps_ > BPS) revert SplitAboveWhole(feeBps_, contributorBps_);
        if (feeRecipient_ == address(0)) revert ZeroAddress();
        uint64 readyAt = uint64(block.timestamp) + CONFIG_DELAY;
        pendingConfig = PendingConfig(feeBps_, contributorBps_, feeRecipient_, readyAt);
        emit ConfigProposed(feeBps_, contributorBps_, feeRecipient_, readyAt);
    }

    function cancelConfig() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (pendingConfig.readyAt == 0) revert NoPendingConfig();
        delete pendingConfig;
        emit ConfigCancelled();
    }

    function activateConfig() external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        PendingConfig memory p = pendingConfig;
        if (p.readyAt == 0) revert NoPendingConfig();
        if (block.timestamp < p.readyAt) revert TimelockNotElapsed(p.readyAt, uint64(block.timestamp));
        // Fees already owed stay with the recipient who earned them: only future fees follow the change.
        if (p.feeRecipient != feeRecipient && feesOwed > 0) {
            uint256 owed = feesOwed;
            feesOwed = 0;
            reserved -= owed;
            IERC20(asset()).safeTransfer(feeRecipient, owed);
            emit FeesWithdrawn(feeRecipient, owed);
        }
        feeBps = p.feeBps;
        contributorBps = p.contributorBps;
        feeRecipient = p.feeRecipient;
        delete pendingConfig;
        emit ConfigChanged(p.feeBps, p.contributorBps, p.feeRecipient);
    }

    // ---- emergency stop ------------------------------------------------------------------------------------

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }
}
