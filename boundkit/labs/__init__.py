"""Beyond the paper: the robustness-coefficient lab (``kappa/``), the worst-case attack search
(``attacks/``) and the Theorem 3.1 check with an empirical kappa (``rule_check``).  May
import checks, constructions, dynamics, rules, bounds and rank 0; never outputs or cli."""
