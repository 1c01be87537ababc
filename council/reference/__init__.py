"""Reference lists shared by the directory, the portal and the analysis: research fields,
prefectures (JIS X 0401, each in one block) and the cluster regions of the network study."""
