// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./PetToken.sol";

/// Bounties for work that does not exist yet. The owner's bounty sits in
/// this contract from publication until the owner awards one answer or the
/// demand expires unawarded and goes back to the owner, so an answerer can
/// see the money is there before doing the work.
contract DemandBoard {
    uint8 private constant OPEN = 0;
    uint8 private constant AWARDED = 1;
    uint8 private constant REFUNDED = 2;

    struct Demand {
        address owner;
        uint256 bounty;
        uint64 expiry;
        bytes32 contentHash;
        bytes32 keywordsHash;
        uint8 state; // 0 open, 1 awarded, 2 refunded
        uint32 answerCount;
    }

    struct Answer {
        address answerer;
        bytes32 contentHash;
    }

    PetToken public immutable token;
    mapping(uint256 => Demand) public demands;
    uint256 public demandCount;
    mapping(uint256 => mapping(address => bool)) public hasAnswered;
    mapping(uint256 => mapping(uint256 => Answer)) private answers;

    event DemandPublished(
        uint256 indexed id,
        address indexed owner,
        uint256 bounty,
        uint64 expiry,
        bytes32 contentHash,
        bytes32 keywordsHash
    );
    event DemandAnswered(uint256 indexed id, uint256 index, address indexed answerer, bytes32 contentHash);
    event DemandAwarded(uint256 indexed id, address indexed answerer, uint256 bounty);
    event DemandRefunded(uint256 indexed id, address indexed owner, uint256 bounty);

    constructor(PetToken token_) {
        token = token_;
    }

    function publish(uint256 bounty, uint64 expiry, bytes32 contentHash, bytes32 keywordsHash)
        external
        returns (uint256 id)
    {
        require(bounty > 0, "zero bounty");
        require(expiry > block.timestamp, "expiry in the past");
        require(contentHash != bytes32(0), "empty content");
        id = ++demandCount;
        demands[id] = Demand(msg.sender, bounty, expiry, contentHash, keywordsHash, OPEN, 0);
        token.marketTransfer(msg.sender, address(this), bounty);
        emit DemandPublished(id, msg.sender, bounty, expiry, contentHash, keywordsHash);
    }

    function answer(uint256 id, bytes32 contentHash) external returns (uint256 index) {
        Demand storage d = demands[id];
        require(d.owner != address(0), "no such demand");
        require(d.state == OPEN, "not open");
        require(block.timestamp < d.expiry, "expired");
        require(msg.sender != d.owner, "own demand");
        require(!hasAnswered[id][msg.sender], "already answered");
        require(contentHash != bytes32(0), "empty content");
        hasAnswered[id][msg.sender] = true;
        index = d.answerCount++;
        answers[id][index] = Answer(msg.sender, contentHash);
        emit DemandAnswered(id, index, msg.sender, contentHash);
    }

    function answerOf(uint256 id, uint256 index) external view returns (address answerer, bytes32 contentHash) {
        require(index < demands[id].answerCount, "no such answer");
        Answer storage a = answers[id][index];
        return (a.answerer, a.contentHash);
    }

    /// Allowed after expiry too: until someone refunds it the owner may still
    /// pay for an answer that came in time.
    function award(uint256 id, uint256 index) external {
        Demand storage d = demands[id];
        require(d.owner != address(0), "no such demand");
        require(msg.sender == d.owner, "not owner");
        require(d.state == OPEN, "not open");
        require(index < d.answerCount, "no such answer");
        d.state = AWARDED;
        address answerer = answers[id][index].answerer;
        token.transfer(answerer, d.bounty);
        emit DemandAwarded(id, answerer, d.bounty);
    }

    /// Open to anyone, so that the platform's timer (or the owner) can return
    /// an expired bounty without the owner's key.
    function refund(uint256 id) external {
        Demand storage d = demands[id];
        require(d.owner != address(0), "no such demand");
        require(d.state == OPEN, "not open");
        require(block.timestamp >= d.expiry, "not expired");
        d.state = REFUNDED;
        token.transfer(d.owner, d.bounty);
        emit DemandRefunded(id, d.owner, d.bounty);
    }
}
