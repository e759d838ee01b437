# Reference values for graph/analytics/brokerage.py, computed with R sna::brokerage.
#
# Run from the repository root:
#     Rscript tests/graph/analytics/data/make_reference.R
# Writes tests/graph/analytics/data/brokerage_sna.json.  Every case stores its input
# (node count, directed 0-based edge list, group label per node) and sna's output:
# raw/expected/sd/z per node (raw.nli, exp.nli, sd.nli, z.nli) and per graph
# (raw.gli, exp.gli, sd.gli, z.gli), columns in sna's order w_I, w_O, b_IO, b_OI, b_O, t.
# NaN/Inf are written as the strings "NaN"/"Inf"/"-Inf".
suppressMessages({
  library(sna)
  library(jsonlite)
})

set.seed(20261124)
cases <- list()

add_case <- function(name, adj, cl, note) {
  diag(adj) <- 0
  b <- brokerage(adj, cl)
  e <- which(adj != 0, arr.ind = TRUE)
  e <- e[order(e[, 1], e[, 2]), , drop = FALSE]
  cases[[length(cases) + 1]] <<- list(
    name = name,
    note = note,
    n = nrow(adj),
    edges = unname(e - 1),
    groups = as.character(cl),
    raw_nli = unname(b$raw.nli), exp_nli = unname(b$exp.nli),
    sd_nli = unname(b$sd.nli), z_nli = unname(b$z.nli),
    raw_gli = unname(b$raw.gli), exp_gli = unname(b$exp.gli),
    sd_gli = unname(b$sd.gli), z_gli = unname(b$z.gli)
  )
}

# --- small hand-checkable graphs -------------------------------------------------
adj_from <- function(n, edges) {
  a <- matrix(0, n, n)
  for (k in seq_len(nrow(edges))) a[edges[k, 1], edges[k, 2]] <- 1
  a
}
path3 <- adj_from(3, rbind(c(1, 2), c(2, 3)))
add_case("path_AAA", path3, c("A", "A", "A"), "0->1->2, all in A: node 1 coordinator")
add_case("path_ABA", path3, c("A", "B", "A"), "0->1->2, broker in B: itinerant")
add_case("path_AAB", path3, c("A", "A", "B"), "0->1->2, source+broker in A: representative (b_IO)")
add_case("path_ABB", path3, c("A", "B", "B"), "0->1->2, broker+target in B: gatekeeper (b_OI)")
add_case("path_ABC", path3, c("A", "B", "C"), "0->1->2, three groups: liaison")
tri <- adj_from(3, rbind(c(1, 2), c(2, 3), c(1, 3)))
add_case("closed_triad", tri, c("A", "A", "A"), "0->1->2 with 0->2: no brokerage")
recip <- adj_from(3, rbind(c(1, 2), c(2, 1), c(2, 3), c(3, 2)))
add_case("mutual_path", recip, c("A", "B", "A"),
         "0<->1<->2: node 1 brokers 0->2 and 2->0 (itinerant 2)")
star <- adj_from(5, rbind(c(1, 5), c(2, 5), c(5, 3), c(5, 4), c(3, 4)))
add_case("star5", star, c("A", "A", "B", "B", "C"),
         "in-star 0,1 -> 4 -> 2,3 with 2->3; hand-checked in test_brokerage.py")

# --- random graphs ----------------------------------------------------------------
specs <- list(
  list(n = 8, p = 0.3, mode = "digraph", k = 2, iso = 0),
  list(n = 12, p = 0.2, mode = "digraph", k = 3, iso = 2),
  list(n = 15, p = 0.5, mode = "digraph", k = 3, iso = 0),
  list(n = 20, p = 0.1, mode = "graph", k = 4, iso = 3),
  list(n = 25, p = 0.3, mode = "graph", k = 2, iso = 0),
  list(n = 30, p = 0.05, mode = "digraph", k = 5, iso = 4),
  list(n = 30, p = 0.8, mode = "digraph", k = 4, iso = 0),
  list(n = 40, p = 0.15, mode = "digraph", k = 6, iso = 2),
  list(n = 50, p = 0.08, mode = "graph", k = 5, iso = 5),
  list(n = 60, p = 0.12, mode = "digraph", k = 8, iso = 3)
)
for (s in specs) {
  adj <- rgraph(s$n, tprob = s$p, mode = s$mode)
  if (s$iso > 0) {
    iso <- sample.int(s$n, s$iso)
    adj[iso, ] <- 0
    adj[, iso] <- 0
  }
  cl <- sample(LETTERS[seq_len(s$k)], s$n, replace = TRUE)
  cl[sample.int(s$n, 1)] <- "Z"  # a singleton group: sd 0, z NaN for some roles
  name <- sprintf("random_n%d_p%.2f_%s_k%d_iso%d", s$n, s$p, s$mode, s$k, s$iso)
  add_case(name, adj, cl, sprintf("sna::rgraph(%d, tprob=%.2f, mode='%s')", s$n, s$p, s$mode))
}
# reciprocated-heavy directed graph: symmetric core plus one-way extras
adj <- rgraph(35, tprob = 0.1, mode = "graph") + rgraph(35, tprob = 0.05)
adj[adj > 1] <- 1
add_case("random_mixed_reciprocity_n35", adj, sample(c("CN", "DE", "KE", "BR"), 35, replace = TRUE),
         "symmetric rgraph(35, 0.1) union directed rgraph(35, 0.05)")

out <- list(
  generator = "tests/graph/analytics/data/make_reference.R",
  r_version = R.version.string,
  sna_version = as.character(packageVersion("sna")),
  seed = 20261124,
  columns = c("w_I", "w_O", "b_IO", "b_OI", "b_O", "t"),
  cases = cases
)
writeLines(toJSON(out, digits = NA, na = "string", auto_unbox = TRUE, matrix = "rowmajor"),
           "tests/graph/analytics/data/brokerage_sna.json")
cat("wrote", length(cases), "cases\n")
