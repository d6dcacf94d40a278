// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}

/// @notice A hostile asset for reentrancy tests: after every transfer to a contract it calls that contract
/// back (as ERC-777 and ERC-1363 style tokens do), giving the receiver a chance to re-enter the vault.
contract HookToken is ERC20 {
    constructor() ERC20("Hook USD", "hUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to.code.length > 0 && from != address(0)) {
            // A receiver without the hook is paid all the same; one with it may do as it likes.
            (bool ok,) = to.call(abi.encodeCall(ITokenReceiver.onTokenReceived, (from, value)));
            ok;
        }
    }
}
