// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./PetToken.sol";

/// Sells access to projects whose content lives off chain: the chain keeps
/// the hashes that pin what was sold, who paid for it, and the views and
/// downloads the platform reports. Payment and access happen in one
/// transaction, so nobody pays without access or gets access without paying.
contract ProjectMarket {
    struct Project {
        address seller;
        uint256 price;
        bytes32 contentHash;
        bytes32 keywordsHash;
        bytes32 detailsHash;
        uint8 visibility; // 0 public, 1 friends, 2 private; enforced by the platform
        bool listed;
    }

    PetToken public immutable token;
    mapping(uint256 => Project) public projects;
    uint256 public projectCount;
    mapping(uint256 => mapping(address => bool)) private bought;

    event ProjectPublished(
        uint256 indexed id,
        address indexed seller,
        uint256 price,
        bytes32 contentHash,
        bytes32 keywordsHash,
        bytes32 detailsHash,
        uint8 visibility
    );
    event ProjectPurchased(uint256 indexed id, address indexed buyer, address indexed seller, uint256 price);
    event ProjectViewed(uint256 indexed id, address indexed viewer);
    event ProjectDownloaded(uint256 indexed id, address indexed by);
    event ProjectDelisted(uint256 indexed id);

    constructor(PetToken token_) {
        token = token_;
    }

    function publish(
        uint256 price,
        bytes32 contentHash,
        bytes32 keywordsHash,
        bytes32 detailsHash,
        uint8 visibility
    ) external returns (uint256 id) {
        require(price > 0, "zero price");
        require(contentHash != bytes32(0), "empty content");
        require(visibility <= 2, "bad visibility");
        id = ++projectCount;
        projects[id] = Project(msg.sender, price, contentHash, keywordsHash, detailsHash, visibility, true);
        emit ProjectPublished(id, msg.sender, price, contentHash, keywordsHash, detailsHash, visibility);
    }

    function buy(uint256 id) external {
        Project storage p = projects[id];
        require(p.listed, "not listed");
        require(msg.sender != p.seller, "own project");
        require(!bought[id][msg.sender], "already bought");
        bought[id][msg.sender] = true;
        // The token's own checks (registration, freezing, balance, pause)
        // revert the whole purchase, access included.
        token.marketTransfer(msg.sender, p.seller, p.price);
        emit ProjectPurchased(id, msg.sender, p.seller, p.price);
    }

    function hasAccess(uint256 id, address who) public view returns (bool) {
        address seller = projects[id].seller;
        // An unknown id has seller 0, which must not grant the zero address access.
        return seller != address(0) && (who == seller || bought[id][who]);
    }

    function recordView(uint256 id) external {
        require(projects[id].seller != address(0), "no such project");
        emit ProjectViewed(id, msg.sender);
    }

    function recordDownload(uint256 id) external {
        require(hasAccess(id, msg.sender), "no access");
        emit ProjectDownloaded(id, msg.sender);
    }

    /// Stops new sales only: buyers keep what they paid for.
    function delist(uint256 id) external {
        Project storage p = projects[id];
        require(msg.sender == p.seller, "not seller");
        require(p.listed, "not listed");
        p.listed = false;
        emit ProjectDelisted(id);
    }
}
