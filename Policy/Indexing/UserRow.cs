using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// A user and their memberships, stored by value in the snapshot's user array. <see cref="Subject"/> is null while
/// only memberships are known (updates may arrive in any order); such a user is denied as unknown. The default
/// row (no subject, no memberships, institution id 0 = <see cref="Guid.Empty"/>) is every id's starting state.
/// The export loop reads memberships through <see cref="KeyAt"/>, which finds the first two inside the row.
/// </summary>
internal readonly struct UserRow
{
    public const int InlineMemberships = 2;

    private static readonly MembershipRow[] NoMemberships = [];

    private readonly MembershipRow[]? _memberships;
    private readonly InlineMembershipKeys _inline;

    public UserRow(Subject? subject, MembershipRow[] memberships, int institution)
    {
        Subject = subject;
        Suspended = subject?.Suspended ?? false;
        Institution = institution;
        _memberships = memberships;
        MembershipCount = memberships.Length;
        for (var i = 0; i < Math.Min(InlineMemberships, memberships.Length); i++)
        {
            _inline[i] = memberships[i].Key;
        }
    }

    public Subject? Subject { get; }

    /// <summary>Copied from the subject so that the decision does not follow the pointer to it.</summary>
    public bool Suspended { get; }

    /// <summary>The home institution's dense id; id 0 (<see cref="Guid.Empty"/>) while the subject is unknown, as before.</summary>
    public int Institution { get; }

    public int MembershipCount { get; }

    /// <summary>All memberships with their records (an array load away from the row).</summary>
    public ReadOnlySpan<MembershipRow> Memberships => _memberships;

    public bool IsEmpty => Subject is null && MembershipCount == 0;

    /// <summary>The i-th membership's key, from inside the row when i is small.</summary>
    public MembershipKey KeyAt(int i) => i < InlineMemberships ? _inline[i] : _memberships![i].Key;

    public int IndexOfVo(int vo)
    {
        var memberships = Memberships;
        for (var i = 0; i < memberships.Length; i++)
        {
            if (memberships[i].Vo == vo)
            {
                return i;
            }
        }
        return -1;
    }

    public UserRow WithSubject(Subject? subject, int institution) => new(subject, _memberships ?? NoMemberships, institution);

    public UserRow WithMembership(MembershipRow membership)
    {
        var index = IndexOfVo(membership.Vo);
        MembershipRow[] next = index < 0 ? [.. Memberships, membership] : Memberships.ToArray();
        if (index >= 0)
        {
            next[index] = membership;
        }
        return new(Subject, next, Institution);
    }

    public UserRow WithoutMembership(int vo)
    {
        var index = IndexOfVo(vo);
        if (index < 0)
        {
            return this;
        }
        MembershipRow[] next = [.. Memberships[..index], .. Memberships[(index + 1)..]];
        return new(Subject, next, Institution);
    }
}
