using System.Runtime.CompilerServices;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// What the decision loop reads of a membership: the VO's dense id, the role, the expiry as UTC ticks and the offset
/// it was stated in (so that a permit's expiry is exact without loading the record). 16 bytes.
/// </summary>
/// <remarks><see cref="long.MaxValue"/> stands for "no expiry": it is later than any instant.</remarks>
internal readonly record struct MembershipKey(int Vo, MemberRole Role, short ExpiresOffsetMinutes, long ExpiresTicks)
{
    public static MembershipKey Of(int vo, MembershipFact membership) => membership.ExpiresAt is { } end
        ? new(vo, membership.Role, (short)end.TotalOffsetMinutes, end.UtcTicks)
        : new(vo, membership.Role, 0, long.MaxValue);

    public bool IsLiveAt(long nowTicks) => nowTicks < ExpiresTicks;

    /// <summary>The expiry as the record states it (same instant, same offset); null: none.</summary>
    public DateTimeOffset? ExpiresAt => ExpiresTicks == long.MaxValue
        ? null
        : new DateTimeOffset(ExpiresTicks + (ExpiresOffsetMinutes * TimeSpan.TicksPerMinute), TimeSpan.FromMinutes(ExpiresOffsetMinutes));
}

/// <summary>
/// The first two memberships' keys, stored inside the <see cref="UserRow"/>: most users are in one or two VOs, and
/// reading them there saves the decision a dependent cache miss on the membership array.
/// </summary>
[InlineArray(UserRow.InlineMemberships)]
internal struct InlineMembershipKeys
{
    private MembershipKey _first;
}
