// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The smallest contract that proves the toolchain: the build compiles it,
/// C++ deploys it to the devnet, calls it and decodes its event.
contract Greeter {
    string private greeting;
    uint256 public changes;

    event GreetingChanged(address indexed by, uint256 indexed count, string greeting);

    error EmptyGreeting();

    constructor(string memory initial) {
        greeting = initial;
    }

    function greet() external view returns (string memory) {
        return greeting;
    }

    function setGreeting(string calldata next) external {
        if (bytes(next).length == 0) revert EmptyGreeting();
        greeting = next;
        changes += 1;
        emit GreetingChanged(msg.sender, changes, next);
    }

    function fail(string calldata reason) external pure {
        require(false, reason);
    }
}
