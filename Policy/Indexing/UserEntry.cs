using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// A user and their memberships. <see cref="Subject"/> is null while only memberships are known (updates may
/// arrive in any order); such a user is denied as unknown.
/// </summary>
internal sealed class UserEntry(Subject? subject, Membership[] memberships)
{
    public static readonly UserEntry None = new(null, []);

    public Subject? Subject { get; } = subject;

    public Membership[] Memberships { get; } = memberships;

    public Guid InstitutionId => Subject?.HomeInstitutionId ?? Guid.Empty;

    public Membership? MembershipOf(Guid voId)
    {
        foreach (var m in Memberships)
        {
            if (m.VoId == voId)
            {
                return m;
            }
        }
        return null;
    }

    public UserEntry WithSubject(Subject? subject) => new(subject, Memberships);

    public UserEntry WithMembership(Membership membership) =>
        new(Subject, [.. Memberships.Where(m => m.VoId != membership.VoId), membership]);

    public UserEntry WithoutMembership(Guid voId) => new(Subject, [.. Memberships.Where(m => m.VoId != voId)]);

    public bool IsEmpty => Subject is null && Memberships.Length == 0;
}
