//! Binding field rules to columns by header aliases, and splitting labelled sub-fields
//! (`数据量：1.4 Trillion Tokens运算量：2048 A100*21天`) out of a cell.
