"""Legal limits the portal checks figures against, shipped as versioned data in templates/stralskydd/.

`dose_limits`: the dose limits for workers and the category-A thresholds. `drl_table`: SSM's diagnostic
reference levels (SSMFS 2018:5 bilaga 1), one file per SSMFS that set them.
"""
