using Portal.Policy.Duo;
using Portal.Policy.Indexing;
using Portal.Policy.Model;

namespace Portal.Policy;

/// <summary>
/// An immutable, indexed view of subjects, memberships, datasets and grants. Every id is interned to a dense int
/// (<see cref="GuidInterner"/>); users are rows in one array and each dataset id owns a node with the dataset and
/// its grants. Every <c>With…</c>/<c>Without…</c> returns a new snapshot that copies only what changed (the row
/// array, one dataset's grant index) and shares the rest, so readers of this instance are never disturbed and
/// need no lock. <see cref="Decide"/> is in PolicySnapshot.Decide.cs.
/// </summary>
public sealed partial class PolicySnapshot
{
    private readonly GuidInterner _ids;

    // Both are indexed by interned id and may be shorter than _ids.Count (ids interned by the other one): a
    // missing entry reads as the empty row or node.
    private readonly ChunkedArray<UserRow> _users;
    private readonly ChunkedArray<DatasetNode> _datasets;
    private readonly ShardedMap<Guid, GrantFact> _grantsById;
    private readonly DiseaseIndex _diseases;

    private PolicySnapshot(
        GuidInterner ids,
        ChunkedArray<UserRow> users,
        ChunkedArray<DatasetNode> datasets,
        ShardedMap<Guid, GrantFact> grantsById,
        DiseaseHierarchy diseases,
        long version)
    {
        _ids = ids;
        _users = users;
        _datasets = datasets;
        _grantsById = grantsById;
        Diseases = diseases;
        _diseases = diseases.Index;
        Version = version;
    }

    public DiseaseHierarchy Diseases { get; }

    /// <summary>Counts the changes applied since the bulk build; lets the portal tell snapshots apart in logs.</summary>
    public long Version { get; }

    public int SubjectCount => _users.Items.Count(u => u.Subject is not null);

    public int DatasetCount => _datasets.Items.Count(d => d.Row.Dataset is not null);

    public int GrantCount => _grantsById.Count;

    public static PolicySnapshot Empty(DiseaseHierarchy? diseases = null) =>
        Build(new PolicyData([], [], [], [], diseases));

    public static PolicySnapshot Build(PolicyData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var hierarchy = data.Diseases ?? DiseaseHierarchy.Default;
        var ids = GuidInterner.Create(
            data.Subjects.SelectMany(s => new[] { s.Id, s.HomeInstitutionId })
                .Concat(data.Memberships.SelectMany(m => new[] { m.UserId, m.VoId }))
                .Concat(data.Datasets.SelectMany(DatasetIds))
                .Concat(data.Grants.SelectMany(g => GrantIds(g).ToArray())));

        var users = new UserRow[ids.Count];
        foreach (var subject in data.Subjects)
        {
            ref var row = ref users[ids.Find(subject.Id)];
            row = row.WithSubject(subject, ids.Find(subject.HomeInstitutionId));
        }
        foreach (var m in data.Memberships)
        {
            ref var row = ref users[ids.Find(m.UserId)];
            row = row.WithMembership(new MembershipRow(m, ids.Find(m.VoId)));
        }

        var datasets = new DatasetNode[ids.Count];
        Array.Fill(datasets, DatasetNode.Empty);
        foreach (var dataset in data.Datasets)
        {
            ref var node = ref datasets[ids.Find(dataset.Id)];
            node = node.WithRow(new DatasetRow(dataset, ids, hierarchy.Index));
        }
        var grantsById = new Dictionary<Guid, GrantFact>();
        foreach (var grant in data.Grants)
        {
            grantsById[grant.Id] = grant;
        }
        foreach (var byDataset in grantsById.Values.GroupBy(g => ids.Find(g.DatasetId)))
        {
            ref var node = ref datasets[byDataset.Key];
            node = node.WithGrants(GrantIndex.Of([.. byDataset.Select(g => new GrantRow(g, ids, hierarchy.Index))]));
        }

        return new PolicySnapshot(
            ids, ChunkedArray<UserRow>.Create(users, default), ChunkedArray<DatasetNode>.Create(datasets, DatasetNode.Empty), ShardedMap<Guid, GrantFact>.Create(grantsById, grantsById.Count), hierarchy, version: 0);
    }

    public PolicySnapshot WithSubject(Subject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var ids = _ids.With(subject.Id, subject.HomeInstitutionId);
        var id = ids.Find(subject.Id);
        return WithUser(ids, id, UserAt(id).WithSubject(subject, ids.Find(subject.HomeInstitutionId)));
    }

    /// <summary>Suspends or reinstates a user; a suspension is a forbid that no grant overrides.</summary>
    public PolicySnapshot WithSuspension(Guid userId, bool suspended)
    {
        var subject = FindSubject(userId) ?? throw new KeyNotFoundException($"Unknown user {userId}.");
        return WithSubject(subject with { Suspended = suspended });
    }

    /// <summary>Forgets the user but keeps their memberships, which are removed one by one like any other.</summary>
    public PolicySnapshot WithoutSubject(Guid userId)
    {
        var id = _ids.Find(userId);
        return id == GuidInterner.NotFound ? Unchanged() : WithUser(_ids, id, UserAt(id).WithSubject(null, institution: 0));
    }

    public PolicySnapshot WithMembership(MembershipFact membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var ids = _ids.With(membership.UserId, membership.VoId);
        var id = ids.Find(membership.UserId);
        return WithUser(ids, id, UserAt(id).WithMembership(new MembershipRow(membership, ids.Find(membership.VoId))));
    }

    public PolicySnapshot WithoutMembership(Guid userId, Guid voId)
    {
        var id = _ids.Find(userId);
        var vo = _ids.Find(voId);
        return id == GuidInterner.NotFound || vo == GuidInterner.NotFound ? Unchanged() : WithUser(_ids, id, UserAt(id).WithoutMembership(vo));
    }

    public PolicySnapshot WithDataset(DatasetFact dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var ids = _ids.With([.. DatasetIds(dataset)]);
        var id = ids.Find(dataset.Id);
        var datasets = _datasets.SetItem(id, _datasets[id].WithRow(new DatasetRow(dataset, ids, _diseases)));
        return new(ids, _users, datasets, _grantsById, Diseases, Version + 1);
    }

    /// <summary>Grants on a removed dataset stay indexed (they are removed by their own notifications) but deny as dataset.unknown.</summary>
    public PolicySnapshot WithoutDataset(Guid datasetId)
    {
        var id = _ids.Find(datasetId);
        if (id == GuidInterner.NotFound)
        {
            return Unchanged();
        }
        return new(_ids, _users, _datasets.SetItem(id, _datasets[id].WithRow(default)), _grantsById, Diseases, Version + 1);
    }

    public PolicySnapshot WithGrant(GrantFact grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var ids = _ids.With(GrantIds(grant));
        // A grant that stays on its dataset (the usual update, e.g. a revocation) is replaced in one rebuild.
        var datasets = _grantsById.TryGetValue(grant.Id, out var old) && old.DatasetId != grant.DatasetId ? RemoveRow(old) : _datasets;
        var id = ids.Find(grant.DatasetId);
        var node = datasets[id];
        datasets = datasets.SetItem(id, node.WithGrants(node.Grants.With(new GrantRow(grant, ids, _diseases))));
        return new(ids, _users, datasets, _grantsById.SetItem(grant.Id, grant), Diseases, Version + 1);
    }

    public PolicySnapshot WithoutGrant(Guid grantId)
    {
        if (!_grantsById.TryGetValue(grantId, out var old))
        {
            return this;
        }
        return new(_ids, _users, RemoveRow(old), _grantsById.Remove(grantId), Diseases, Version + 1);
    }

    public GrantFact? FindGrant(Guid grantId) => _grantsById.TryGetValue(grantId, out var g) ? g : null;

    public DatasetFact? FindDataset(Guid datasetId) => DatasetAt(_ids.Find(datasetId)).Row.Dataset;

    public Subject? FindSubject(Guid userId) => UserAt(_ids.Find(userId)).Subject;

    public IReadOnlyList<MembershipFact> MembershipsOf(Guid userId) => Sources(UserAt(_ids.Find(userId)).Memberships);

    /// <summary>The grants that name this user directly or through one of their VOs, for the explain view.</summary>
    public IReadOnlyList<GrantFact> CandidateGrants(Guid userId, Guid datasetId)
    {
        var user = _ids.Find(userId);
        var grants = DatasetAt(_ids.Find(datasetId)).Grants;
        var found = new List<GrantFact>();
        if (user != GuidInterner.NotFound)
        {
            AddGrantsOf(grants, user, found);
        }
        foreach (var m in UserAt(user).Memberships)
        {
            AddGrantsOf(grants, m.Vo, found);
        }
        return found;
    }

    // Within one principal, by grant id: the table's slot order means nothing to a reader.
    private static void AddGrantsOf(GrantIndex grants, int principal, List<GrantFact> found)
    {
        var start = found.Count;
        foreach (ref readonly var row in grants.For(principal))
        {
            found.Add(row.Grant);
        }
        found.Sort(start, found.Count - start, Comparer<GrantFact>.Create((a, b) => a.Id.CompareTo(b.Id)));
    }

    /// <summary>Everything in the snapshot as plain records: a rebuild from it must decide the same.</summary>
    public PolicyData ToData() => new(
        [.. _users.Items.Select(u => u.Subject).OfType<Subject>()],
        [.. _users.Items.SelectMany(u => Sources(u.Memberships))],
        [.. _datasets.Items.Select(d => d.Row.Dataset).OfType<DatasetFact>()],
        [.. _grantsById.Items.Select(g => g.Value)],
        Diseases);

    private static Guid[] DatasetIds(DatasetFact d) => [d.Id, .. d.Owners, .. d.Stewards, .. d.SharedIntoVos];

    private static ReadOnlySpan<Guid> GrantIds(GrantFact g) => new[] { g.DatasetId, g.Target.PrincipalId, g.Target.InstitutionId };

    private static MembershipFact[] Sources(ReadOnlySpan<MembershipRow> rows)
    {
        var sources = new MembershipFact[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            sources[i] = rows[i].Source;
        }
        return sources;
    }

    private UserRow UserAt(int id) => _users[id];

    private DatasetNode DatasetAt(int id) => _datasets[id];

    private PolicySnapshot Unchanged() => new(_ids, _users, _datasets, _grantsById, Diseases, Version + 1);

    private PolicySnapshot WithUser(GuidInterner ids, int id, UserRow row) =>
        new(ids, _users.SetItem(id, row), _datasets, _grantsById, Diseases, Version + 1);

    // The old grant's dataset id was interned when the grant was added.
    private ChunkedArray<DatasetNode> RemoveRow(GrantFact old)
    {
        var id = _ids.Find(old.DatasetId);
        var node = _datasets[id];
        return _datasets.SetItem(id, node.WithGrants(node.Grants.Without(old)));
    }
}
