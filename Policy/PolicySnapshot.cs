using Portal.Policy.Duo;
using Portal.Policy.Indexing;
using Portal.Policy.Model;

namespace Portal.Policy;

/// <summary>
/// An immutable, indexed view of subjects, memberships, datasets and grants. Every <c>With…</c>/<c>Without…</c>
/// returns a new snapshot sharing all untouched shards with this one, so readers of this instance are never
/// disturbed and need no lock. <see cref="Decide"/> is in PolicySnapshot.Decide.cs.
/// </summary>
public sealed partial class PolicySnapshot
{
    private readonly ShardedMap<Guid, UserEntry> _users;
    private readonly ShardedMap<Guid, DatasetEntry> _datasets;
    private readonly ShardedMap<GrantKey, IndexedGrant[]> _grantsByTarget;
    private readonly ShardedMap<Guid, IndexedGrant> _grantsById;

    private PolicySnapshot(
        ShardedMap<Guid, UserEntry> users,
        ShardedMap<Guid, DatasetEntry> datasets,
        ShardedMap<GrantKey, IndexedGrant[]> grantsByTarget,
        ShardedMap<Guid, IndexedGrant> grantsById,
        DiseaseHierarchy diseases,
        long version)
    {
        _users = users;
        _datasets = datasets;
        _grantsByTarget = grantsByTarget;
        _grantsById = grantsById;
        Diseases = diseases;
        Version = version;
    }

    public DiseaseHierarchy Diseases { get; }

    /// <summary>Counts the changes applied since the bulk build; lets the portal tell snapshots apart in logs.</summary>
    public long Version { get; }

    public int SubjectCount => _users.Items.Count(u => u.Value.Subject is not null);

    public int DatasetCount => _datasets.Count;

    public int GrantCount => _grantsById.Count;

    public static PolicySnapshot Empty(DiseaseHierarchy? diseases = null) =>
        Build(new PolicyData([], [], [], [], diseases));

    public static PolicySnapshot Build(PolicyData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var users = new Dictionary<Guid, (Subject? Subject, List<Membership> Memberships)>();
        foreach (var subject in data.Subjects)
        {
            users[subject.Id] = (subject, users.TryGetValue(subject.Id, out var e) ? e.Memberships : []);
        }
        foreach (var m in data.Memberships)
        {
            if (!users.TryGetValue(m.UserId, out var e))
            {
                users[m.UserId] = e = (null, []);
            }
            e.Memberships.RemoveAll(x => x.VoId == m.VoId);
            e.Memberships.Add(m);
        }

        var grantsById = new Dictionary<Guid, IndexedGrant>();
        foreach (var grant in data.Grants)
        {
            grantsById[grant.Id] = new IndexedGrant(grant);
        }
        var byTarget = grantsById.Values.GroupBy(g => g.Key)
            .Select(g => KeyValuePair.Create(g.Key, g.ToArray()))
            .ToList();

        return new PolicySnapshot(
            ShardedMap<Guid, UserEntry>.Create(
                users.Select(u => KeyValuePair.Create(u.Key, new UserEntry(u.Value.Subject, [.. u.Value.Memberships]))), users.Count),
            ShardedMap<Guid, DatasetEntry>.Create(
                data.Datasets.Select(d => KeyValuePair.Create(d.Id, new DatasetEntry(d))), data.Datasets.Count),
            ShardedMap<GrantKey, IndexedGrant[]>.Create(byTarget, byTarget.Count),
            ShardedMap<Guid, IndexedGrant>.Create(grantsById, grantsById.Count),
            data.Diseases ?? DiseaseHierarchy.Default,
            version: 0);
    }

    public PolicySnapshot WithSubject(Subject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return WithUsers(_users.SetItem(subject.Id, UserOrNone(subject.Id).WithSubject(subject)));
    }

    /// <summary>Suspends or reinstates a user; a suspension is a forbid that no grant overrides.</summary>
    public PolicySnapshot WithSuspension(Guid userId, bool suspended)
    {
        var user = UserOrNone(userId);
        var subject = user.Subject ?? throw new KeyNotFoundException($"Unknown user {userId}.");
        return WithUsers(_users.SetItem(userId, user.WithSubject(subject with { Suspended = suspended })));
    }

    /// <summary>Forgets the user but keeps their memberships, which are removed one by one like any other.</summary>
    public PolicySnapshot WithoutSubject(Guid userId) => StoreUser(userId, UserOrNone(userId).WithSubject(null));

    public PolicySnapshot WithMembership(Membership membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return WithUsers(_users.SetItem(membership.UserId, UserOrNone(membership.UserId).WithMembership(membership)));
    }

    public PolicySnapshot WithoutMembership(Guid userId, Guid voId) =>
        StoreUser(userId, UserOrNone(userId).WithoutMembership(voId));

    public PolicySnapshot WithDataset(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new(_users, _datasets.SetItem(dataset.Id, new DatasetEntry(dataset)), _grantsByTarget, _grantsById, Diseases, Version + 1);
    }

    /// <summary>Grants on a removed dataset stay indexed (they are removed by their own notifications) but deny as dataset.unknown.</summary>
    public PolicySnapshot WithoutDataset(Guid datasetId) =>
        new(_users, _datasets.Remove(datasetId), _grantsByTarget, _grantsById, Diseases, Version + 1);

    public PolicySnapshot WithGrant(Grant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var byTarget = _grantsById.TryGetValue(grant.Id, out var old) ? RemoveFromTarget(_grantsByTarget, old) : _grantsByTarget;
        var indexed = new IndexedGrant(grant);
        byTarget = byTarget.SetItem(indexed.Key, byTarget.TryGetValue(indexed.Key, out var list) ? [.. list, indexed] : [indexed]);
        return new(_users, _datasets, byTarget, _grantsById.SetItem(grant.Id, indexed), Diseases, Version + 1);
    }

    public PolicySnapshot WithoutGrant(Guid grantId)
    {
        if (!_grantsById.TryGetValue(grantId, out var old))
        {
            return this;
        }
        return new(_users, _datasets, RemoveFromTarget(_grantsByTarget, old), _grantsById.Remove(grantId), Diseases, Version + 1);
    }

    public Grant? FindGrant(Guid grantId) => _grantsById.TryGetValue(grantId, out var g) ? g.Grant : null;

    public Dataset? FindDataset(Guid datasetId) => _datasets.TryGetValue(datasetId, out var d) ? d.Dataset : null;

    public Subject? FindSubject(Guid userId) => _users.TryGetValue(userId, out var u) ? u.Subject : null;

    public IReadOnlyList<Membership> MembershipsOf(Guid userId) => _users.TryGetValue(userId, out var u) ? u.Memberships : [];

    /// <summary>The grants that name this user directly or through one of their VOs, for the explain view.</summary>
    public IReadOnlyList<Grant> CandidateGrants(Guid userId, Guid datasetId)
    {
        var user = UserOrNone(userId);
        var keys = user.Memberships.Select(m => new GrantKey(datasetId, m.VoId)).Prepend(new GrantKey(datasetId, userId));
        return [.. keys.SelectMany(k => _grantsByTarget.TryGetValue(k, out var list) ? list : []).Select(g => g.Grant)];
    }

    /// <summary>Everything in the snapshot as plain records: a rebuild from it must decide the same.</summary>
    public PolicyData ToData() => new(
        [.. _users.Items.Select(u => u.Value.Subject).OfType<Subject>()],
        [.. _users.Items.SelectMany(u => u.Value.Memberships)],
        [.. _datasets.Items.Select(d => d.Value.Dataset)],
        [.. _grantsById.Items.Select(g => g.Value.Grant)],
        Diseases);

    private UserEntry UserOrNone(Guid userId) => _users.TryGetValue(userId, out var u) ? u : UserEntry.None;

    private PolicySnapshot StoreUser(Guid userId, UserEntry entry) =>
        WithUsers(entry.IsEmpty ? _users.Remove(userId) : _users.SetItem(userId, entry));

    private PolicySnapshot WithUsers(ShardedMap<Guid, UserEntry> users) =>
        new(users, _datasets, _grantsByTarget, _grantsById, Diseases, Version + 1);

    private static ShardedMap<GrantKey, IndexedGrant[]> RemoveFromTarget(ShardedMap<GrantKey, IndexedGrant[]> byTarget, IndexedGrant old)
    {
        if (!byTarget.TryGetValue(old.Key, out var list))
        {
            return byTarget;
        }
        IndexedGrant[] rest = [.. list.Where(g => g.Grant.Id != old.Grant.Id)];
        return rest.Length == 0 ? byTarget.Remove(old.Key) : byTarget.SetItem(old.Key, rest);
    }
}
