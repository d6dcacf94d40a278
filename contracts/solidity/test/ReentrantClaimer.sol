// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

interface IClaimable {
    function claim(uint64 epoch, uint256 amount, bytes32[] calldata proof) external;
}

/// @notice A trader contract that, when paid, tries to take the same payment again (claim or redeem) from
/// inside the token callback. It records whether the re-entry got through and the error it met.
contract ReentrantClaimer {
    enum Mode { None, Claim, Redeem }

    address public immutable vault;
    Mode public mode;
    uint64 public epoch;
    uint256 public amount;
    bytes32[] public proof;
    uint256 public attempts;
    bool public reentered;
    bytes public lastError;

    constructor(address vault_) {
        vault = vault_;
    }

    function setup(Mode mode_, uint64 epoch_, uint256 amount_, bytes32[] calldata proof_) external {
        mode = mode_;
        epoch = epoch_;
        amount = amount_;
        proof = proof_;
        attempts = 0;
        reentered = false;
        delete lastError;
    }

    function claim() external {
        IClaimable(vault).claim(epoch, amount, proof);
    }

    function deposit(address asset, uint256 assets) external {
        IERC20(asset).approve(vault, assets);
        IERC4626(vault).deposit(assets, address(this));
    }

    function redeemHalf() external {
        IERC4626(vault).redeem(IERC20(vault).balanceOf(address(this)) / 2, address(this), address(this));
    }

    function onTokenReceived(address, uint256) external {
        if (msg.sender == vault || attempts > 0 || mode == Mode.None) return;
        attempts++;
        if (mode == Mode.Claim) {
            try IClaimable(vault).claim(epoch, amount, proof) {
                reentered = true;
            } catch (bytes memory err) {
                lastError = err;
            }
        } else {
            uint256 shares = IERC20(vault).balanceOf(address(this));
            try IERC4626(vault).redeem(shares, address(this), address(this)) {
                reentered = true;
            } catch (bytes memory err) {
                lastError = err;
            }
        }
    }
}
