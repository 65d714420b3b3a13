using System.Runtime.CompilerServices;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// What the decision loop reads of a membership: the VO's dense id, the role, the expiry as UTC ticks and its offset
/// (in the struct's padding, so a permit's exact end needs no load of the membership's record).
/// </summary>
/// <remarks><see cref="long.MaxValue"/> stands for "no expiry": it is later than any instant.</remarks>
internal readonly record struct MembershipKey(int Vo, MemberRole Role, long ExpiresTicks, short ExpiresOffsetMinutes = 0)
{
    public static MembershipKey Of(int vo, MembershipFact membership) =>
        new(vo, membership.Role, membership.ExpiresAt?.UtcTicks ?? long.MaxValue, (short)(membership.ExpiresAt?.TotalOffsetMinutes ?? 0));

    public bool IsLiveAt(long nowTicks) => nowTicks < ExpiresTicks;

    public DateTimeOffset? ExpiresAt
    {
        get
        {
            if (ExpiresTicks == long.MaxValue)
            {
                return null;
            }
            var offset = TimeSpan.FromMinutes(ExpiresOffsetMinutes);
            return new DateTimeOffset(ExpiresTicks + offset.Ticks, offset);
        }
    }
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
