using System.Globalization;

namespace Portal.Features.Exports.Download;

/// <summary>
/// How many exports may run at once per person and per dataset (Exports:MaxConcurrentPerPerson, default 2;
/// Exports:MaxConcurrentPerDataset, default 4): each holds a source connection and a response for as long as it
/// streams, so one person's fifty parallel downloads must not take the portal and the source away from everyone.
/// Counted per instance; behind a load balancer the bound is per instance.
/// </summary>
public sealed class ExportSlots(IConfiguration configuration)
{
    public const string TooManyCode = "export.too_many_concurrent";
    private readonly int _perPerson = Math.Max(1, configuration.GetValue("Exports:MaxConcurrentPerPerson", 2));
    private readonly int _perDataset = Math.Max(1, configuration.GetValue("Exports:MaxConcurrentPerDataset", 4));
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, int> _people = [];
    private readonly Dictionary<Guid, int> _datasets = [];

    /// <summary>A slot to hold while streaming, or null when the person or the dataset is at its limit.</summary>
    public IDisposable? TryTake(Guid person, Guid dataset)
    {
        lock (_gate)
        {
            if (_people.GetValueOrDefault(person) >= _perPerson || _datasets.GetValueOrDefault(dataset) >= _perDataset)
            {
                return null;
            }
            _people[person] = _people.GetValueOrDefault(person) + 1;
            _datasets[dataset] = _datasets.GetValueOrDefault(dataset) + 1;
        }
        return new Slot(this, person, dataset);
    }

    public IResult TooMany(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = "10";
        return ExportProblems.Problem(StatusCodes.Status429TooManyRequests, TooManyCode, "Too many exports at once.",
            string.Create(CultureInfo.InvariantCulture,
                $"At most {_perPerson} exports per person and {_perDataset} per dataset run at the same time; wait for one to finish."));
    }

    private void Release(Guid person, Guid dataset)
    {
        lock (_gate)
        {
            Decrement(_people, person);
            Decrement(_datasets, dataset);
        }
    }

    private static void Decrement(Dictionary<Guid, int> counts, Guid key)
    {
        if (counts.TryGetValue(key, out var n) && n > 1)
        {
            counts[key] = n - 1;
        }
        else
        {
            counts.Remove(key);
        }
    }

    private sealed class Slot(ExportSlots slots, Guid person, Guid dataset) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(person, dataset);
            }
        }
    }
}
