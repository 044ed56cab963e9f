using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing.Planning;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing.Matching;

/// <summary>
/// <c>POST /v1/cluster/routes/match</c>: scores roles (each with the service it resolves to now) and, when asked,
/// every eligible service against a described task, with the same scorer as request routing. Never advances
/// round-robin counters.
/// </summary>
internal static class RouteMatcher
{
    private static readonly RouteSelector Peeker = new();

    public static RouteMatchResponse Match(PlanBuilder plans, IReadOnlyDictionary<string, ServiceFacts> servicesById, RouteMatchRequest request, double now)
    {
        var tasks = Clean([request.Task, .. request.Tasks]);
        var workloads = Clean([request.Workload, .. request.Workloads]);
        var kind = string.IsNullOrWhiteSpace(request.Kind) ? null : request.Kind.Trim();
        var modality = string.IsNullOrWhiteSpace(request.Modality) ? null : request.Modality.Trim();
        var taskTokens = TextTokens.Of(tasks);
        var query = BenchmarkQuery.Create(tasks, workloads);

        var scored = new List<(MatchCandidate Candidate, double Score)>();
        foreach (var role in plans.Roles.Values)
        {
            if ((kind is null || role.Role.Operation == kind)
                && (modality is null || string.Equals(role.Role.Modality, modality, StringComparison.OrdinalIgnoreCase)))
            {
                scored.Add(ScoreRole(plans, servicesById, role, taskTokens, query, now));
            }
        }

        if (request.IncludeDirectServices)
        {
            foreach (var service in plans.Services)
            {
                if ((kind is null || service.View.Kind == kind) && service.AcceptReason is null && !(service.View.Cooldown?.Until > now))
                {
                    scored.Add(ScoreService(service, taskTokens, query));
                }
            }
        }

        scored.Sort(static (a, b) =>
        {
            var byScore = b.Candidate.Score.CompareTo(a.Candidate.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byType = TypeOrder(a.Candidate).CompareTo(TypeOrder(b.Candidate));
            return byType != 0 ? byType : string.CompareOrdinal(a.Candidate.CandidateId, b.Candidate.CandidateId);
        });

        var limit = Math.Max(1, request.Limit);
        return new RouteMatchResponse
        {
            Status = "ok",
            TaskCount = tasks.Count,
            Tasks = tasks,
            Workloads = workloads,
            Kind = kind,
            Modality = modality,
            Candidates = scored.Take(limit).Select(s => s.Candidate).ToList(),
        };
    }

    private static (MatchCandidate, double) ScoreRole(
        PlanBuilder plans, IReadOnlyDictionary<string, ServiceFacts> servicesById, RoleFacts role,
        HashSet<string> taskTokens, BenchmarkQuery query, double now)
    {
        var plan = plans.RolePlans.GetValueOrDefault(role.RoleId);
        var order = plan is null ? [] : Peeker.Peek(plan, NoLiveServiceLoad.Instance, now);
        var target = order.Count > 0 ? order[0] : null;
        var facts = target is null ? null : servicesById.GetValueOrDefault(target.ServiceId);

        var text = TextTokens.Coverage(taskTokens, role.TextTokens);
        var reasons = new List<string>();
        if (text > 0)
        {
            reasons.Add("task text overlaps role description or policy");
        }

        double runtimeScore = 0;
        var figures = new RuntimeFigures(false, null, null, null, RuntimeSources.None);
        var benchmark = BenchmarkResult.None;
        double family = 0;
        if (target is not null && facts is not null)
        {
            runtimeScore = facts.RuntimeScore;
            figures = facts.Runtime;
            benchmark = BenchmarkScorer.Score(facts.Samples, query);
            family = target.Signals.FamilyMatch ?? 0;
            if (family > 0)
            {
                reasons.Add("resolved service matches role preferred model family");
            }

            if (plan!.FallbackVia is { } via)
            {
                reasons.Add("served through fallback role " + via);
            }

            RuntimeScorer.AddReasons(figures, reasons);
            BenchmarkScorer.AddReasons(benchmark, reasons);
        }
        else
        {
            reasons.Add("no healthy service currently resolves for this role");
        }

        var score = CandidateScorer.RoleScore(text, runtimeScore, benchmark.Score, family);
        var candidate = new MatchCandidate
        {
            CandidateType = "role",
            CandidateId = role.RoleId,
            Operation = role.Role.Operation,
            Score = CandidateScorer.Round4(score),
            Reasons = reasons,
            Signals = CandidateScorer.Signals(text, runtimeScore, figures, benchmark, family),
            Role = role.Role,
            Service = target?.Service,
        };
        return (candidate, score);
    }

    private static (MatchCandidate, double) ScoreService(ServiceFacts service, HashSet<string> taskTokens, BenchmarkQuery query)
    {
        var text = TextTokens.Coverage(taskTokens, service.TextTokens);
        var benchmark = BenchmarkScorer.Score(service.Samples, query);
        var score = CandidateScorer.ServiceScore(text, service.RuntimeScore, benchmark.Score);
        var reasons = new List<string>();
        if (text > 0)
        {
            reasons.Add("task text overlaps service or asset metadata");
        }

        if (service.View.State?.Availability == Availability.Busy)
        {
            reasons.Add("service reports busy availability");
        }

        RuntimeScorer.AddReasons(service.Runtime, reasons);
        BenchmarkScorer.AddReasons(benchmark, reasons);
        var candidate = new MatchCandidate
        {
            CandidateType = "service",
            CandidateId = service.ServiceId,
            Operation = service.View.Kind,
            Score = CandidateScorer.Round4(score),
            Reasons = reasons,
            Signals = CandidateScorer.Signals(text, service.RuntimeScore, service.Runtime, benchmark, null),
            Service = service.View,
        };
        return (candidate, score);
    }

    private static int TypeOrder(MatchCandidate candidate) => candidate.CandidateType == "role" ? 0 : 1;

    private static List<string> Clean(IEnumerable<string?> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
}
