// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice The stablecoin of tests and the local runtime (never deployed to a public chain): OpenZeppelin's ERC-20, six decimals like USDC/USDT,
/// minted by its owner.
contract TestStablecoin is ERC20, Ownable {
    constructor(address owner_) ERC20("Test USD", "tUSD") Ownable(owner_) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
