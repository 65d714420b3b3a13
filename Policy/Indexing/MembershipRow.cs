using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>A membership as the decision loop reads it: the VO's dense id and the expiry as UTC ticks.</summary>
internal readonly struct MembershipRow(Membership membership, int vo)
{
    /// <summary>The record, for <see cref="PolicySnapshot.ToData"/> and the obligation's exact expiry instant.</summary>
    public Membership Source { get; } = membership;

    /// <summary>UTC ticks; <see cref="long.MaxValue"/> for a membership without expiry, which is later than any instant.</summary>
    public long ExpiresTicks { get; } = membership.ExpiresAt?.UtcTicks ?? long.MaxValue;

    public int Vo { get; } = vo;

    public VoRole Role { get; } = membership.Role;

    public bool IsLiveAt(long nowTicks) => nowTicks < ExpiresTicks;
}
