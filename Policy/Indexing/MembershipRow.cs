using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>A membership with its record (for <see cref="PolicySnapshot.ToData"/> and the obligation's exact expiry).</summary>
internal readonly struct MembershipRow(MembershipFact membership, int vo)
{
    public MembershipFact Source { get; } = membership;

    public MembershipKey Key { get; } = MembershipKey.Of(vo, membership);

    public int Vo => Key.Vo;

    public MemberRole Role => Key.Role;

    public bool IsLiveAt(long nowTicks) => Key.IsLiveAt(nowTicks);
}
