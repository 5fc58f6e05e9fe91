// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Rounds of scoring: the platform names what is rated (subjects) and on
/// what (dimensions), authorises the raters, and each rater's scores land
/// here once and for good, so a ranking computed from them later can be
/// traced back to exactly who said what. Weighting and aggregation happen
/// off chain; the chain only pins the raw scores.
contract Evaluation {
    uint8 public constant MAX_SCORE = 10;
    // Bounds keep a round's storage and the submit loop within a block:
    // at most 512 scores, i.e. 16 storage slots per sheet.
    uint256 private constant MAX_SUBJECTS = 32;
    uint256 private constant MAX_DIMENSIONS = 16;

    struct Sheet {
        bool authorised;
        // Never empty once submitted (a round has at least one subject and
        // one dimension), so its length doubles as the "submitted" flag.
        uint8[] scores;
    }

    struct Round {
        bytes32[] subjects;
        bytes32[] dimensions;
        address[] raters;
        uint64 closesAt; // never 0 for a round that exists
        bool closed;
        uint32 submissions;
        mapping(address => Sheet) sheets;
    }

    address public admin;
    uint256 public roundCount;
    mapping(uint256 => Round) private rounds;

    event RoundOpened(uint256 indexed round, bytes32[] subjects, bytes32[] dimensions, uint64 closesAt);
    event RaterAuthorised(uint256 indexed round, address indexed rater);
    event ScoresSubmitted(uint256 indexed round, address indexed rater, uint8[] scores);
    event RoundClosed(uint256 indexed round, uint32 submissions);

    modifier onlyAdmin() {
        require(msg.sender == admin, "not admin");
        _;
    }

    constructor() {
        admin = msg.sender;
    }

    function openRound(bytes32[] calldata subjects, bytes32[] calldata dimensions, uint64 closesAt)
        external
        onlyAdmin
        returns (uint256 round)
    {
        require(closesAt > block.timestamp, "closing time in the past");
        require(subjects.length > 0, "no subjects");
        require(dimensions.length > 0, "no dimensions");
        require(subjects.length <= MAX_SUBJECTS, "too many subjects");
        require(dimensions.length <= MAX_DIMENSIONS, "too many dimensions");
        // A repeated id would make the score layout ambiguous for readers.
        require(_distinct(subjects), "duplicate subject");
        require(_distinct(dimensions), "duplicate dimension");
        round = ++roundCount;
        Round storage r = rounds[round];
        r.subjects = subjects;
        r.dimensions = dimensions;
        r.closesAt = closesAt;
        emit RoundOpened(round, subjects, dimensions, closesAt);
    }

    function authorise(uint256 round, address[] calldata raters) external onlyAdmin {
        Round storage r = _live(round);
        for (uint256 i = 0; i < raters.length; ++i) {
            Sheet storage s = r.sheets[raters[i]];
            // Idempotent so that the platform can retry a batch blindly.
            if (s.authorised) continue;
            s.authorised = true;
            r.raters.push(raters[i]);
            emit RaterAuthorised(round, raters[i]);
        }
    }

    function submit(uint256 round, uint8[] calldata scores) external {
        Round storage r = _live(round);
        Sheet storage s = r.sheets[msg.sender];
        require(s.authorised, "not a rater");
        require(s.scores.length == 0, "already submitted");
        require(scores.length == r.subjects.length * r.dimensions.length, "wrong number of scores");
        for (uint256 i = 0; i < scores.length; ++i) {
            require(scores[i] >= 1 && scores[i] <= MAX_SCORE, "score out of range");
        }
        s.scores = scores;
        ++r.submissions;
        emit ScoresSubmitted(round, msg.sender, scores);
    }

    /// Allowed before closesAt too, to end a round early once everyone has
    /// rated; after it, closing records the final count.
    function close(uint256 round) external onlyAdmin {
        Round storage r = _existing(round);
        require(!r.closed, "round closed");
        r.closed = true;
        emit RoundClosed(round, r.submissions);
    }

    function roundInfo(uint256 round)
        external
        view
        returns (
            bytes32[] memory subjects,
            bytes32[] memory dimensions,
            uint64 closesAt,
            bool closed,
            uint32 raters,
            uint32 submissions
        )
    {
        Round storage r = _existing(round);
        // Each rater costs a storage write, so the count cannot approach 2^32.
        return (r.subjects, r.dimensions, r.closesAt, r.closed, uint32(r.raters.length), r.submissions);
    }

    function isRater(uint256 round, address rater) external view returns (bool) {
        return rounds[round].sheets[rater].authorised;
    }

    /// Scores laid out subject-major: scores[s * dimensions + d].
    function scoresOf(uint256 round, address rater) external view returns (bool submitted, uint8[] memory scores) {
        scores = rounds[round].sheets[rater].scores;
        submitted = scores.length > 0;
    }

    function ratersOf(uint256 round) external view returns (address[] memory) {
        return rounds[round].raters;
    }

    function _existing(uint256 round) private view returns (Round storage r) {
        r = rounds[round];
        require(r.closesAt != 0, "no such round");
    }

    /// A round that still takes raters and scores.
    function _live(uint256 round) private view returns (Round storage r) {
        r = _existing(round);
        require(!r.closed, "round closed");
        require(block.timestamp < r.closesAt, "round expired");
    }

    /// Quadratic, which the caps above keep to at most 496 comparisons.
    function _distinct(bytes32[] calldata items) private pure returns (bool) {
        for (uint256 i = 1; i < items.length; ++i) {
            for (uint256 j = 0; j < i; ++j) {
                if (items[i] == items[j]) return false;
            }
        }
        return true;
    }
}
