// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The platform's permissioned token (ERC-3643 in spirit): one PET is one
/// unit of a paid-in payment, so it has no decimals. Only registered, unfrozen
/// accounts hold and move it; the platform that deployed it is the only agent.
/// Every balance change emits Transfer, so the Transfer log is the ledger the
/// bills are read from.
contract PetToken {
    string public constant name = "Pet Token";
    string public constant symbol = "PET";
    uint8 public constant decimals = 0;

    address public platform;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => bool) public registered;
    mapping(address => bool) public frozen;
    mapping(address => bool) public markets;
    mapping(bytes32 => bool) public paymentUsed;
    bool public paused;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event TopUp(address indexed to, uint256 amount, bytes32 indexed paymentRef);
    event Registered(address indexed account);
    event Unregistered(address indexed account);
    event MarketSet(address indexed market, bool allowed);
    event Paused(address by);
    event Unpaused(address by);
    event Frozen(address indexed account);
    event Unfrozen(address indexed account);
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount);

    modifier onlyPlatform() {
        require(msg.sender == platform, "not platform");
        _;
    }

    modifier whenNotPaused() {
        require(!paused, "paused");
        _;
    }

    constructor() {
        platform = msg.sender;
        // Emitted so that the registry can be rebuilt from events alone.
        _register(msg.sender);
    }

    function register(address account) external onlyPlatform {
        require(account != address(0), "zero address");
        require(!registered[account], "already registered");
        _register(account);
    }

    function unregister(address account) external onlyPlatform {
        require(registered[account], "not registered");
        // The balance stays: the platform can still move it with forcedTransfer.
        registered[account] = false;
        emit Unregistered(account);
    }

    /// A market holds escrow and pays it out with transfer(), so allowing it
    /// registers it too; disallowing it leaves it registered, because escrow
    /// it already holds must still be able to leave.
    function setMarket(address market, bool allowed) external onlyPlatform {
        require(market != address(0), "zero address");
        markets[market] = allowed;
        if (allowed && !registered[market]) _register(market);
        emit MarketSet(market, allowed);
    }

    /// Credits a payment received off chain; the payment reference makes a
    /// retried top-up harmless instead of paying twice.
    function mint(address to, uint256 amount, bytes32 paymentRef) external onlyPlatform whenNotPaused {
        require(amount > 0, "zero amount");
        require(registered[to], "not registered");
        require(!frozen[to], "frozen");
        require(paymentRef != bytes32(0), "empty payment ref");
        require(!paymentUsed[paymentRef], "payment already used");
        paymentUsed[paymentRef] = true;
        totalSupply += amount;
        balanceOf[to] += amount;
        emit TopUp(to, amount, paymentRef);
        emit Transfer(address(0), to, amount);
    }

    function burn(uint256 amount) external whenNotPaused {
        require(!frozen[msg.sender], "frozen");
        require(amount > 0, "zero amount");
        require(balanceOf[msg.sender] >= amount, "insufficient balance");
        balanceOf[msg.sender] -= amount;
        totalSupply -= amount;
        emit Transfer(msg.sender, address(0), amount);
    }

    function transfer(address to, uint256 amount) external whenNotPaused returns (bool) {
        _checkedMove(msg.sender, to, amount);
        return true;
    }

    /// Lets a market debit its caller in the same transaction that delivers
    /// what was paid for, without a separate approval.
    function marketTransfer(address from, address to, uint256 amount) external {
        // Authorisation before state, so a stranger learns nothing about pausing.
        require(markets[msg.sender], "not a market");
        require(!paused, "paused");
        _checkedMove(from, to, amount);
    }

    function pause() external onlyPlatform {
        require(!paused, "paused");
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyPlatform {
        require(paused, "not paused");
        paused = false;
        emit Unpaused(msg.sender);
    }

    function freeze(address account) external onlyPlatform {
        frozen[account] = true;
        emit Frozen(account);
    }

    function unfreeze(address account) external onlyPlatform {
        frozen[account] = false;
        emit Unfrozen(account);
    }

    /// Recovery of a lost key: the source is usually frozen and the platform
    /// may have paused everything else while it cleans up, so neither blocks it.
    function forcedTransfer(address from, address to, uint256 amount) external onlyPlatform {
        require(registered[to], "not registered");
        require(!frozen[to], "frozen");
        require(amount > 0, "zero amount");
        require(balanceOf[from] >= amount, "insufficient balance");
        emit ForcedTransfer(from, to, amount);
        _move(from, to, amount);
    }

    function _register(address account) private {
        registered[account] = true;
        emit Registered(account);
    }

    function _checkedMove(address from, address to, uint256 amount) private {
        require(registered[from] && registered[to], "not registered");
        require(!frozen[from] && !frozen[to], "frozen");
        require(amount > 0, "zero amount");
        require(balanceOf[from] >= amount, "insufficient balance");
        _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
